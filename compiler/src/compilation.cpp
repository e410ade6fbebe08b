// Compilation: load -> verify -> pass pipeline -> target emission.
#include <exception>

#include "gpuc/compiler.h"
#include "gpuc/ir/bounds_check.h"
#include "gpuc/ir/parser.h"
#include "gpuc/ir/pass.h"
#include "gpuc/ir/printer.h"
#include "gpuc/ir/verifier.h"
#include "gpuc/support/file_io.h"
#include "stages.h"

namespace gpuc {

const char* target_name(Target t) {
  return t == Target::Cuda ? "cuda" : "vulkan";
}

const char* emit_name(Emit e) {
  switch (e) {
    case Emit::Default:
      return "default";
    case Emit::Ir:
      return "ir";
    case Emit::Nvvm:
      return "nvvm";
    case Emit::Ptx:
      return "ptx";
    case Emit::Cubin:
      return "cubin";
    case Emit::Spirv:
      return "spirv";
    case Emit::Spvasm:
      return "spvasm";
  }
  return "?";
}

Compilation::Compilation(CompileOptions options) : options_(std::move(options)), diags_(&sources_) {
  diags_.set_warnings_as_errors(options_.warnings_as_errors);
  diags_.set_suppress_warnings(options_.no_warnings);
}

Compilation::~Compilation() = default;

CompileOutput Compilation::compile_file(const std::string& path) {
  Result<std::string> text = read_file(path);
  if (!text) {
    diags_.error(text.error().message);
    return {};
  }
  return run(sources_.add_buffer(path, std::move(text.value())));
}

CompileOutput Compilation::compile_source(const std::string& name, std::string text) {
  return run(sources_.add_buffer(name, std::move(text)));
}

CompileOutput Compilation::compile_module(std::unique_ptr<ir::Module> module) {
  module_ = std::move(module);
  if (!module_) {
    diags_.error("compile_module: no module given");
    return {};
  }
  return finish({});
}

CompileOutput Compilation::run(uint32_t file) {
  try {
    const std::string& name = sources_.name(file);
    bool is_ir = name.size() >= 4 && name.compare(name.size() - 4, 4, ".gir") == 0;
    module_ = is_ir ? ir::parse_module(file, diags_) : detail::load_kernel_source(*this, file);
    if (!module_ || diags_.has_errors()) return {};
  } catch (const InternalCompilerError& e) {
    diags_.error(e.what());
    return {};
  } catch (const std::bad_alloc&) {
    diags_.error("out of memory");
    return {};
  } catch (const std::exception& e) {
    diags_.error(std::string("internal compiler error: unexpected exception: ") + e.what());
    return {};
  }
  return finish({});
}

// Verify -> passes -> reflection -> target emission, for a loaded module.
CompileOutput Compilation::finish(CompileOutput out) {
  try {
    if (!ir::verify(*module_, diags_)) return out;
    if (options_.syntax_only) {
      out.ok = true;
      return out;
    }
    ir::PipelineOptions pipeline;
    pipeline.opt_level = options_.opt_level;
    pipeline.print_after = options_.print_after;
    pipeline.print_after_all = options_.print_after_all;
    pipeline.dump = [&](std::string_view pass, const std::string& text) {
      out.dumps += "; *** IR after " + std::string(pass) + " ***\n" + text;
    };
    if (!ir::run_pipeline(*module_, pipeline, diags_)) return out;
    ir::BoundsCheckInfo bounds;
    if (options_.bounds_check) {
      if (!ir::insert_bounds_checks(*module_, diags_, &bounds)) return out;
      if (!ir::verify(*module_, diags_)) {
        diags_.error("internal compiler error: the IR is invalid after --bounds-check");
        return out;
      }
    }
    out.reflection = ir::reflect(*module_);
    if (options_.bounds_check) ir::add_bounds_check_reflection(bounds, out.reflection);

    Emit emit = options_.emit;
    if (emit == Emit::Default) emit = options_.target == Target::Cuda ? Emit::Ptx : Emit::Spirv;
    switch (emit) {
      case Emit::Ir:
        out.data = ir::print_module(*module_);
        out.ok = true;
        return out;
      case Emit::Nvvm:
      case Emit::Ptx:
      case Emit::Cubin:
        if (options_.target != Target::Cuda) {
          diags_.error(std::string("--emit=") + emit_name(emit) + " needs --target=cuda");
          return out;
        }
        out.ok = detail::emit_cuda(*this, *module_, emit, out);
        return out;
      case Emit::Spirv:
      case Emit::Spvasm:
        if (options_.target != Target::Vulkan) {
          diags_.error(std::string("--emit=") + emit_name(emit) + " needs --target=vulkan");
          return out;
        }
        out.ok = detail::emit_vulkan(*this, *module_, emit, out);
        return out;
      case Emit::Default:
        break;
    }
  } catch (const InternalCompilerError& e) {
    diags_.error(e.what());
  } catch (const std::bad_alloc&) {
    diags_.error("out of memory");
  } catch (const std::exception& e) {
    diags_.error(std::string("internal compiler error: unexpected exception: ") + e.what());
  }
  out.ok = false;
  return out;
}

}  // namespace gpuc
