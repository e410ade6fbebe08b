// The one diagnostics engine every component reports through: severity, location, message, notes.
//
// Printing follows clang: `file:line:col: error: message`, the source line, and a caret under the
// column. Internal errors are reported as "internal compiler error" (see ice.h), never abort().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gpuc/support/source_manager.h"

namespace gpuc {

enum class Severity { Note, Warning, Error, Fatal };

const char* severity_name(Severity s);

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceLocation loc;
  std::string message;
  // Attached notes ("note: previous definition is here"), printed right after the diagnostic.
  std::vector<Diagnostic> notes;
};

class DiagnosticEngine {
 public:
  explicit DiagnosticEngine(const SourceManager* sources = nullptr) : sources_(sources) {}

  void set_source_manager(const SourceManager* sources) { sources_ = sources; }
  const SourceManager* source_manager() const { return sources_; }

  // Reports a diagnostic; returns a reference so notes can be attached before it is flushed.
  Diagnostic& report(Severity severity, SourceLocation loc, std::string message);
  Diagnostic& error(SourceLocation loc, std::string message) {
    return report(Severity::Error, loc, std::move(message));
  }
  Diagnostic& warning(SourceLocation loc, std::string message) {
    return report(Severity::Warning, loc, std::move(message));
  }
  // An error without a location (bad option, missing file).
  Diagnostic& error(std::string message) { return error(SourceLocation{}, std::move(message)); }
  void note(Diagnostic& parent, SourceLocation loc, std::string message);

  bool has_errors() const { return error_count_ > 0; }
  unsigned error_count() const { return error_count_; }
  unsigned warning_count() const { return warning_count_; }
  const std::vector<Diagnostic>& diagnostics() const { return diags_; }

  // Treat warnings as errors (-Werror) and silence warnings (-w).
  void set_warnings_as_errors(bool on) { werror_ = on; }
  void set_suppress_warnings(bool on) { suppress_warnings_ = on; }
  // Stop recording after this many errors (a final "too many errors" is added). 0 = unlimited.
  void set_error_limit(unsigned limit) { error_limit_ = limit; }

  // Formats one diagnostic (with its notes) the way clang does.
  std::string format(const Diagnostic& d, bool color = false) const;
  // Formats every diagnostic recorded so far.
  std::string format_all(bool color = false) const;
  void clear();

 private:
  const SourceManager* sources_ = nullptr;
  std::vector<Diagnostic> diags_;
  Diagnostic discarded_;  // sink for diagnostics past the error limit or suppressed
  unsigned error_count_ = 0;
  unsigned warning_count_ = 0;
  unsigned error_limit_ = 50;
  bool werror_ = false;
  bool suppress_warnings_ = false;
  void format_one(std::string& out, const Diagnostic& d, bool color) const;
};

}  // namespace gpuc
