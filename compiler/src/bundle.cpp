// Multi-target compilation into artifacts and .gpub bundles.
#include "gpuc/compiler.h"

namespace gpuc {

Artifact make_artifact(Target target, const CompileOutput& output) {
  Artifact a;
  a.target = target == Target::Cuda ? ArtifactTarget::Cuda : ArtifactTarget::Vulkan;
  a.code = output.data;
  a.reflection = output.reflection;
  return a;
}

Result<Bundle> compile_bundle(const std::string& path, const CompileOptions& options,
                              std::span<const Target> targets, std::string* diagnostics,
                              bool color) {
  Bundle bundle;
  for (Target target : targets) {
    CompileOptions per_target = options;
    per_target.target = target;
    per_target.emit = target == Target::Cuda ? Emit::Ptx : Emit::Spirv;
    Compilation compilation(per_target);
    CompileOutput out = compilation.compile_file(path);
    if (diagnostics) *diagnostics += compilation.diagnostics().format_all(color);
    if (!out.ok)
      return make_error(std::string("compilation for target '") + target_name(target) + "' failed");
    bundle.set(make_artifact(target, out));
  }
  return bundle;
}

}  // namespace gpuc
