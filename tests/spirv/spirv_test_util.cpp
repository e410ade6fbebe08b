// Helpers shared by the SPIR-V backend tests.
#include "spirv_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

namespace gpuc::spirv::test {

std::vector<fs::path> corpus() {
  std::vector<fs::path> out;
  fs::path root(GPUC_SOURCE_DIR);
  for (auto [dir, ext] : {std::pair{"tests/kernels", ".gk"}, std::pair{"tests/ir/inputs", ".gir"},
                          std::pair{"tests/spirv/inputs", ".gir"}}) {
    fs::path d = root / dir;
    if (!fs::is_directory(d)) continue;
    for (const auto& e : fs::directory_iterator(d))
      if (e.path().extension() == ext) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Loaded load(const fs::path& path) {
  Loaded l;
  CompileOptions options;
  options.target = Target::Vulkan;
  options.emit = Emit::Ir;
  l.compilation = std::make_unique<Compilation>(options);
  CompileOutput out = l.compilation->compile_file(path.string());
  if (out.ok && l.compilation->module())
    l.module = l.compilation->module();
  else
    l.errors = l.compilation->diagnostics().format_all();
  return l;
}

std::vector<std::string> expected_errors(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    auto pos = line.find("spirv-expect-error: ");
    if (pos != std::string::npos) out.push_back(line.substr(pos + 20));
  }
  return out;
}

bool targets_vulkan(const fs::path& path) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    auto pos = line.find("TARGETS:");
    if (pos == std::string::npos) continue;
    std::string rest = line.substr(pos + 8);
    return rest.substr(0, rest.find('(')).find("vulkan") != std::string::npos;
  }
  return true;
}

std::vector<SpvInst> parse_words(const std::vector<uint32_t>& words) {
  std::vector<SpvInst> out;
  for (size_t i = 5; i < words.size();) {
    uint32_t count = words[i] >> 16;
    if (count == 0 || i + count > words.size()) break;
    SpvInst inst;
    inst.opcode = words[i] & 0xffff;
    inst.operands.assign(words.begin() + i + 1, words.begin() + i + count);
    out.push_back(std::move(inst));
    i += count;
  }
  return out;
}

std::string decode_string(const std::vector<uint32_t>& operands, size_t first) {
  std::string s;
  for (size_t k = first; k < operands.size(); ++k)
    for (int b = 0; b < 4; ++b) {
      char c = static_cast<char>((operands[k] >> (8 * b)) & 0xff);
      if (c == 0) return s;
      s += c;
    }
  return s;
}

std::vector<uint32_t> compile_spirv_words(const std::string& source, int opt,
                                          const std::string& path) {
  CompileOptions options;
  options.target = Target::Vulkan;
  options.emit = Emit::Spirv;
  options.opt_level = opt;
  options.validate = true;
  Compilation c(options);
  CompileOutput out = source.empty() ? c.compile_file(path) : c.compile_source(path, source);
  EXPECT_TRUE(out.ok) << c.diagnostics().format_all();
  if (!out.ok) return {};
  std::vector<uint32_t> words(out.data.size() / 4);
  std::memcpy(words.data(), out.data.data(), words.size() * 4);
  return words;
}

}  // namespace gpuc::spirv::test
