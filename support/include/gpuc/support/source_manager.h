// Source files and locations: every diagnostic points into a buffer owned by a SourceManager.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gpuc {

// A position in a source buffer. file == 0 means "no location" (e.g. IR built through the builder).
// line and col are 1-based; col counts bytes, as clang does.
struct SourceLocation {
  uint32_t file = 0;
  uint32_t line = 0;
  uint32_t col = 0;
  bool valid() const { return file != 0; }
  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

// Owns the text of every file a compilation reads. FileIds are 1-based indices; 0 is invalid.
class SourceManager {
 public:
  // Adds a buffer; returns its id. `name` is what diagnostics print (the path as the user wrote
  // it).
  uint32_t add_buffer(std::string name, std::string text);
  const std::string& name(uint32_t file) const;
  std::string_view text(uint32_t file) const;
  // The text of line `line` (1-based) of `file`, without its newline; empty when out of range.
  std::string_view line_text(uint32_t file, uint32_t line) const;
  // Converts a byte offset in `file` to a location.
  SourceLocation location(uint32_t file, size_t offset) const;
  size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string name;
    std::string text;
    std::vector<uint32_t> line_starts;  // byte offset of each line's first character
  };
  std::vector<File> files_;
  const File* get(uint32_t file) const;
};

}  // namespace gpuc
