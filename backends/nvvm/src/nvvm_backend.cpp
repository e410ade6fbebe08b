// The NVVM backend's driver: options -> libNVVM (verify, compile, libdevice) -> PTX, and PTX ->
// cubin through nvJitLink. libNVVM's log becomes gpuc diagnostics.
#include "gpuc/nvvm/nvvm_backend.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "cuda_libs.h"

namespace gpuc::nvvm {

Result<Arch> parse_arch(const std::string& text) {
  Arch a;
  if (text.empty()) return a;
  std::string rest;
  if (text.rfind("compute_", 0) == 0) {
    rest = text.substr(8);
  } else if (text.rfind("sm_", 0) == 0) {
    rest = text.substr(3);
    a.is_sm = true;
  } else {
    return make_error("invalid --arch '" + text + "': expected sm_XX or compute_XX (e.g. sm_80, " +
                      "compute_90)");
  }
  size_t digits = 0;
  while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
  std::string suffix = rest.substr(digits);
  if (digits == 0 || digits > 3 || !(suffix.empty() || suffix == "a" || suffix == "f"))
    return make_error("invalid --arch '" + text + "': expected sm_XX or compute_XX (e.g. sm_80, " +
                      "compute_90, sm_90a)");
  a.number = std::stoi(rest.substr(0, digits));
  a.suffix = suffix;
  if (a.number < 75)
    return make_error("--arch '" + text + "' is not supported: CUDA 13's libNVVM targets " +
                      "compute_75 (Turing) and newer");
  return a;
}

Result<Dialect> resolve_dialect(const NvvmOptions& options) {
  Result<Arch> arch = parse_arch(options.arch);
  if (!arch) return arch.error();
  switch (options.dialect) {
    case Dialect::Typed:
      return Dialect::Typed;
    case Dialect::Modern:
      if (arch.value().number < 100)
        return make_error(
            "--nvvm-dialect=modern needs --arch=compute_100 or newer: CUDA 13's " +
            std::string("libNVVM reads the LLVM 20 opaque-pointer dialect only for ") +
            "compute_100+ (got " + arch.value().compute_name() + ")");
      return Dialect::Modern;
    case Dialect::Auto:
      // Both dialects produce the same PTX for gpuc's kernels on compute_100 (see
      // docs/nvvm-backend.md "Dialect choice"), so the one that works everywhere is kept.
      return Dialect::Typed;
  }
  return Dialect::Typed;
}

namespace {

using detail::CudaLibApi;

// libNVVM's options for NvvmOptions (nvvm.h, nvvmCompileProgram).
std::vector<std::string> libnvvm_options(const NvvmOptions& o, const Arch& arch) {
  std::vector<std::string> v;
  v.push_back("-arch=" + arch.compute_name());
  // libNVVM accepts -opt=0..3 (nvvm.h documents 0 and 3; 1 and 2 are honoured too).
  v.push_back("-opt=" + std::to_string(std::clamp(o.opt_level, 0, 3)));
  auto flag = [&](const char* name, std::optional<bool> value, bool fast_value) {
    if (value)
      v.push_back(std::string(name) + (*value ? "1" : "0"));
    else if (o.fast_math)
      v.push_back(std::string(name) + (fast_value ? "1" : "0"));
  };
  flag("-ftz=", o.ftz, true);
  flag("-prec-div=", o.prec_div, false);
  flag("-prec-sqrt=", o.prec_sqrt, false);
  flag("-fma=", o.fma, true);
  return v;
}

std::string program_log(const CudaLibApi& api, detail::nvvmProgram prog) {
  size_t size = 0;
  if (api.nvvmGetProgramLogSize(prog, &size) != 0 || size <= 1) return {};
  std::string log(size, '\0');
  if (api.nvvmGetProgramLog(prog, log.data()) != 0) return {};
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  return log;
}

// Owns an nvvmProgram.
struct Program {
  const CudaLibApi& api;
  detail::nvvmProgram prog = nullptr;
  ~Program() {
    if (prog) api.nvvmDestroyProgram(&prog);
  }
};

Error report(DiagnosticEngine& diags, std::string message) {
  diags.error(message);
  return make_error(std::move(message));
}

}  // namespace

Result<std::string> compile_nvvm_to_ptx(const NvvmModule& module, const NvvmOptions& options,
                                        DiagnosticEngine& diags) {
  Result<Arch> arch = parse_arch(options.arch);
  if (!arch) return report(diags, arch.error().message);
  Result<const CudaLibApi*> lib = detail::load_libnvvm();
  if (!lib) return report(diags, lib.error().message);
  const CudaLibApi& api = *lib.value();
  auto failed = [&](const char* call, int code) {
    return report(diags,
                  std::string("libNVVM: ") + call + " failed: " + api.nvvmGetErrorString(code));
  };

  Program p{api};
  if (int r = api.nvvmCreateProgram(&p.prog)) return failed("nvvmCreateProgram", r);
  if (int r = api.nvvmAddModuleToProgram(p.prog, module.text.data(), module.text.size(), "gpuc"))
    return failed("nvvmAddModuleToProgram", r);
  if (module.uses_libdevice) {
    // Lazily added: only the __nv_* functions the module calls are linked in.
    Result<const std::string*> libdevice = detail::load_libdevice();
    if (!libdevice) return report(diags, libdevice.error().message);
    const std::string& bc = *libdevice.value();
    if (int r = api.nvvmLazyAddModuleToProgram(p.prog, bc.data(), bc.size(), "libdevice.10.bc"))
      return failed("nvvmLazyAddModuleToProgram(libdevice)", r);
  }

  std::vector<std::string> opts = libnvvm_options(options, arch.value());
  std::vector<const char*> argv;
  for (const std::string& s : opts) argv.push_back(s.c_str());
  int n = static_cast<int>(argv.size());

  if (int r = api.nvvmVerifyProgram(p.prog, n, argv.data())) {
    std::string log = program_log(api, p.prog);
    if (r == 7)  // NVVM_ERROR_INVALID_OPTION
      return report(diags, "libNVVM rejected the options (" + opts[0] + " ...): " + log);
    // gpuc wrote the IR from verified gpuc IR: libNVVM refusing it is gpuc's bug.
    return report(diags,
                  "internal compiler error: libNVVM's verifier rejected the NVVM IR gpuc "
                  "generated (" +
                      std::string(api.nvvmGetErrorString(r)) + "):\n" + log +
                      "\n(rerun with --emit=nvvm to see the NVVM IR)");
  }
  if (int r = api.nvvmCompileProgram(p.prog, n, argv.data())) {
    std::string log = program_log(api, p.prog);
    return report(diags, std::string("libNVVM failed to compile the module (") +
                             api.nvvmGetErrorString(r) + "):\n" + log);
  }
  std::string log = program_log(api, p.prog);
  if (!log.empty()) diags.warning(SourceLocation{}, "libNVVM: " + log);

  size_t size = 0;
  if (int r = api.nvvmGetCompiledResultSize(p.prog, &size))
    return failed("nvvmGetCompiledResultSize", r);
  std::string ptx(size, '\0');
  if (int r = api.nvvmGetCompiledResult(p.prog, ptx.data()))
    return failed("nvvmGetCompiledResult", r);
  while (!ptx.empty() && ptx.back() == '\0') ptx.pop_back();
  return ptx;
}

Result<std::string> compile_to_ptx(const ir::Module& module, const NvvmOptions& options,
                                   DiagnosticEngine& diags) {
  Result<NvvmModule> m = write_nvvm_module(module, options, diags);
  if (!m) return m.error();
  return compile_nvvm_to_ptx(m.value(), options, diags);
}

Result<std::string> link_ptx_to_cubin(const std::string& ptx, const NvvmOptions& options,
                                      DiagnosticEngine& diags) {
  Result<Arch> arch = parse_arch(options.arch);
  if (!arch) return report(diags, arch.error().message);
  if (!arch.value().is_sm)
    return report(diags, "--emit=cubin needs a real GPU architecture: --arch=sm_XX (e.g. sm_80), " +
                             std::string("not '") + (options.arch.empty() ? "" : options.arch) +
                             (options.arch.empty() ? "compute_75 (the default)" : "") + "'");
  Result<const CudaLibApi*> lib = detail::load_nvjitlink();
  if (!lib) return report(diags, lib.error().message);
  const CudaLibApi& api = *lib.value();

  std::string arch_opt = "-arch=" + arch.value().sm_name();
  std::vector<const char*> argv{arch_opt.c_str()};
  if (options.opt_level <= 0) argv.push_back("-O0");
  detail::nvJitLinkHandle h = nullptr;
  if (int r = api.nvJitLinkCreate(&h, static_cast<uint32_t>(argv.size()), argv.data()))
    return report(diags, "nvJitLink: nvJitLinkCreate(" + arch_opt + ") failed with code " +
                             std::to_string(r));
  auto error_log = [&]() {
    size_t size = 0;
    if (api.nvJitLinkGetErrorLogSize(h, &size) != 0 || size <= 1) return std::string();
    std::string log(size, '\0');
    api.nvJitLinkGetErrorLog(h, log.data());
    while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
    return log;
  };
  Result<std::string> out = make_error("");
  if (int r =
          api.nvJitLinkAddData(h, detail::kNvJitLinkInputPtx, ptx.data(), ptx.size(), "gpuc.ptx")) {
    out = report(
        diags, "nvJitLink could not read the PTX (code " + std::to_string(r) + "): " + error_log());
  } else if (int r = api.nvJitLinkComplete(h)) {
    out = report(diags, "nvJitLink failed to assemble the PTX for " + arch.value().sm_name() +
                            " (code " + std::to_string(r) + "): " + error_log());
  } else {
    size_t size = 0;
    if (api.nvJitLinkGetLinkedCubinSize(h, &size) != 0) {
      out = report(diags, "nvJitLink: nvJitLinkGetLinkedCubinSize failed");
    } else {
      std::string cubin(size, '\0');
      if (api.nvJitLinkGetLinkedCubin(h, cubin.data()) != 0)
        out = report(diags, "nvJitLink: nvJitLinkGetLinkedCubin failed");
      else
        out = std::move(cubin);
    }
  }
  api.nvJitLinkDestroy(&h);
  return out;
}

Result<std::string> compile_to_cubin(const ir::Module& module, const NvvmOptions& options,
                                     DiagnosticEngine& diags) {
  Result<std::string> ptx = compile_to_ptx(module, options, diags);
  if (!ptx) return ptx.error();
  return link_ptx_to_cubin(ptx.value(), options, diags);
}

Result<CudaArtifact> compile(const ir::Module& module, const NvvmOptions& options,
                             DiagnosticEngine& diags) {
  Result<NvvmModule> m = write_nvvm_module(module, options, diags);
  if (!m) return m.error();
  Result<std::string> ptx = compile_nvvm_to_ptx(m.value(), options, diags);
  if (!ptx) return ptx.error();
  CudaArtifact a;
  a.nvvm_ir = std::move(m.value().text);
  a.ptx = std::move(ptx.value());
  a.reflection = ir::reflect(module);
  return a;
}

}  // namespace gpuc::nvvm
