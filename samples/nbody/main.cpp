// Sample nbody: one all-pairs n-body step (float4 bodies, shared-memory tiles, rsqrtf).
#include <cmath>
#include <cstdio>
#include <vector>

#include "gpuc/samples/sample.h"
#include "nbody_kernels.h"

using namespace gpuc;
using namespace gpuc::samples;

namespace {
struct alignas(16) Float4 {
  float x, y, z, w;
};
}  // namespace

int main(int argc, char** argv) {
  SampleInfo info{"nbody", "one all-pairs gravitational n-body step", "bodies", 1u << 16, 2048};
  return run_sample(info, argc, argv, [](Context& ctx) {
    int n = int(std::min<uint64_t>(ctx.size(), 1u << 22));
    ctx.set_size_text("bodies=" + std::to_string(n));
    const float dt = 0.01f, eps2 = 0.01f;
    std::vector<Float4> pos(n), vel(n);
    for (int i = 0; i < n; ++i) {
      pos[i] = {ctx.random_float(-1, 1), ctx.random_float(-1, 1), ctx.random_float(-1, 1),
                ctx.random_float(0.5f, 1.5f) / float(n)};
      vel[i] = {ctx.random_float(-0.1f, 0.1f), ctx.random_float(-0.1f, 0.1f),
                ctx.random_float(-0.1f, 0.1f), 0.0f};
    }
    rt::Module m = ctx.compile(std::string(kernels::nbody_name), std::string(kernels::nbody));
    rt::Kernel k = ctx.kernel(m, "nbody_step");
    auto dpos = must(ctx.device().upload_array(pos), "uploading positions");
    auto dvel = must(ctx.device().alloc_array<Float4>(n), "allocating velocities");
    auto dnew = must(ctx.device().alloc_array<Float4>(n), "allocating new positions");
    const uint32_t block = 256;
    rt::Dim3 grid((n + block - 1) / block);
    // The step updates vel in place: time on scratch values, then check one step from fresh ones.
    must(dvel.upload(vel), "uploading velocities");
    float ms = ctx.time_ms([&](rt::Stream& s) {
      must(s.launch(k, grid, block, {dpos, dvel, dnew, n, dt, eps2}), "launching nbody_step");
    });
    must(dvel.upload(vel), "uploading velocities");
    must(ctx.device().launch(k, grid, block, {dpos, dvel, dnew, n, dt, eps2}), "launching");
    std::vector<Float4> got_v = must(dvel.download(), "downloading velocities");
    std::vector<Float4> got_p = must(dnew.download(), "downloading positions");
    ctx.add_time(ms);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f Ginteractions/s", double(n) * n / (double(ms) * 1e6));
    ctx.add_note(buf);
    // Checked bodies: all of them up to 4096, else 256 evenly spaced ones (the reference is
    // O(n) per body). Bounds (u = 2^-24): each term m_j d / r^3 carries <= 32u relative error
    // (differences, squares and sums: ~8u; rsqrtf: 2 ulp on CUDA and inversesqrt's 2 ulp on
    // Vulkan, cubed: 12u; products: 4u), and the serial sum of n terms adds n u sum|term|
    // (Higham eq. 4.4): |err a| <= (n + 32) u sum|term|. The velocity and position updates add
    // two roundings each.
    int step = n <= 4096 ? 1 : n / 256;
    std::vector<float> got;
    std::vector<double> want, bound;
    const double u = std::ldexp(1.0, -24);
    for (int i = 0; i < n; i += step) {
      double a[3] = {0, 0, 0}, abs_a[3] = {0, 0, 0};
      for (int j = 0; j < n; ++j) {
        double d[3] = {double(pos[j].x) - pos[i].x, double(pos[j].y) - pos[i].y,
                       double(pos[j].z) - pos[i].z};
        double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] + eps2;
        double s = pos[j].w / (r2 * std::sqrt(r2));
        for (int c = 0; c < 3; ++c) a[c] += d[c] * s, abs_a[c] += std::fabs(d[c] * s);
      }
      const float* v0 = &vel[i].x;
      const float* p0 = &pos[i].x;
      const float* gv = &got_v[i].x;
      const float* gp = &got_p[i].x;
      for (int c = 0; c < 3; ++c) {
        double a_err = (n + 32) * u * abs_a[c];
        double v = v0[c] + a[c] * dt;
        double v_err = a_err * dt + 4 * u * (std::fabs(v0[c]) + std::fabs(a[c] * dt));
        got.push_back(gv[c]), want.push_back(v), bound.push_back(v_err);
        double p = p0[c] + v * dt;
        got.push_back(gp[c]), want.push_back(p);
        bound.push_back(v_err * dt + 4 * u * (std::fabs(p0[c]) + std::fabs(v * dt)));
      }
      got.push_back(gp[3]), want.push_back(p0[3]), bound.push_back(0.0);  // mass unchanged
    }
    return compare_bounded(got, want, bound);
  });
}
