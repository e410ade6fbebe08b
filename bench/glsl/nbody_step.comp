// nbody_step: GLSL peer of bench/kernels/nbody_step.gk (pos, vel, new_pos, n, dt, eps2): one
// Euler step, bodies staged through shared memory in tiles of 128.
#version 460
#extension GL_EXT_buffer_reference : require
#extension GL_EXT_scalar_block_layout : require
// The block size is chosen at launch (SpecIds 0, 1, 2), as for gpuc kernels.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;
layout(buffer_reference, scalar) readonly buffer CVec4s { vec4 v[]; };
layout(buffer_reference, scalar) buffer Vec4s { vec4 v[]; };
layout(push_constant, scalar) uniform Params {
  CVec4s pos; Vec4s vel; Vec4s new_pos; int n; float dt; float eps2;
} p;
shared vec4 tile[128];

void main() {
  int t = int(gl_LocalInvocationID.x);
  int i = int(gl_WorkGroupID.x * gl_WorkGroupSize.x) + t;
  vec4 me = i < p.n ? p.pos.v[i] : vec4(0.0);
  vec3 acc = vec3(0.0);
  for (int base = 0; base < p.n; base += 128) {
    int j = base + t;
    tile[t] = j < p.n ? p.pos.v[j] : vec4(0.0);
    barrier();
    int count = min(128, p.n - base);
    for (int k = 0; k < count; ++k) {
      vec4 o = tile[k];
      vec3 d = o.xyz - me.xyz;
      float dist2 = d.x * d.x + d.y * d.y + d.z * d.z + p.eps2;
      float inv = inversesqrt(dist2);
      acc += d * (o.w * inv * inv * inv);
    }
    barrier();
  }
  if (i < p.n) {
    vec4 v = p.vel.v[i];
    v.xyz += acc * p.dt;
    p.vel.v[i] = v;
    p.new_pos.v[i] = vec4(me.xyz + v.xyz * p.dt, me.w);
  }
}
