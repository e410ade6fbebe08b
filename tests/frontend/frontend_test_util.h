// Helpers for the frontend unit tests: compile a .gk source held in a string.
#pragma once

#include <memory>
#include <string>

#include "gpuc/frontend/frontend.h"
#include "gpuc/ir/module.h"
#include "gpuc/ir/printer.h"
#include "gpuc/ir/verifier.h"
#include "gpuc/support/diagnostics.h"

namespace gpuc::frontend::test {

struct Compiled {
  SourceManager sources;
  DiagnosticEngine diags{&sources};
  std::unique_ptr<ir::Module> module;
  std::string ir() const { return module ? ir::print_module(*module) : std::string(); }
  std::string messages() const { return diags.format_all(); }
};

inline std::unique_ptr<Compiled> compile(const std::string& text,
                                         FrontendTarget target = FrontendTarget::Cuda) {
  auto c = std::make_unique<Compiled>();
  c->diags.set_error_limit(0);
  uint32_t file = c->sources.add_buffer("test.gk", text);
  FrontendOptions o;
  o.target = target;
  c->module = compile_kernel_source(file, o, c->sources, c->diags);
  return c;
}

}  // namespace gpuc::frontend::test
