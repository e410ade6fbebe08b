// Scalar literal formatting and parsing for the .gir text format.
#include "gpuc/ir/literals.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

namespace gpuc::ir {

uint16_t float_to_half(float f) {
  uint32_t x = std::bit_cast<uint32_t>(f);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t exp = (x >> 23) & 0xffu;
  uint32_t mant = x & 0x7fffffu;
  if (exp == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (mant ? 0x200u : 0));
  int e = static_cast<int>(exp) - 127 + 15;
  if (e >= 31) return static_cast<uint16_t>(sign | 0x7c00u);
  if (e <= 0) {
    if (e < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000u;
    uint32_t shift = static_cast<uint32_t>(14 - e);
    uint32_t half = mant >> shift;
    uint32_t rem = mant & ((1u << shift) - 1);
    uint32_t mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = sign | (static_cast<uint32_t>(e) << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1))) ++half;
  return static_cast<uint16_t>(half);
}

float half_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400u) == 0);
      bits = sign | (static_cast<uint32_t>(127 - 15 - e) << 23) | ((mant & 0x3ffu) << 13);
    }
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  return std::bit_cast<float>(bits);
}

namespace {

template <typename F>
std::string shortest(F v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string hex_bits(uint64_t bits) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, bits, 16);
  return "0x" + std::string(buf, r.ptr);
}

}  // namespace

std::string format_scalar(const TypeTable& types, TypeId t, uint64_t bits) {
  const TypeInfo& info = types.info(t);
  switch (info.kind) {
    case TypeKind::Bool:
      return bits ? "true" : "false";
    case TypeKind::Int: {
      if (info.is_signed) {
        int64_t v = static_cast<int64_t>(bits);
        if (info.width < 64) {  // sign-extend from the width
          uint64_t sign = uint64_t{1} << (info.width - 1);
          v = static_cast<int64_t>((bits ^ sign) - sign);
        }
        return std::to_string(v);
      }
      return std::to_string(bits);
    }
    case TypeKind::Float: {
      if (info.width == 64) {
        double d = std::bit_cast<double>(bits);
        if (std::isnan(d)) return bits == 0x7ff8000000000000ull ? "nan" : hex_bits(bits);
        if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
        return shortest(d);
      }
      float f = info.width == 32 ? std::bit_cast<float>(static_cast<uint32_t>(bits))
                                 : half_to_float(static_cast<uint16_t>(bits));
      uint64_t canonical_nan = info.width == 32 ? 0x7fc00000u : 0x7e00u;
      if (std::isnan(f)) return bits == canonical_nan ? "nan" : hex_bits(bits);
      if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
      return shortest(f);
    }
    default:
      return "?";
  }
}

std::optional<uint64_t> parse_scalar(const TypeTable& types, TypeId t, std::string_view text) {
  const TypeInfo& info = types.info(t);
  if (text.empty()) return std::nullopt;
  const char* b = text.data();
  const char* e = text.data() + text.size();
  switch (info.kind) {
    case TypeKind::Bool:
      if (text == "true") return 1;
      if (text == "false") return 0;
      return std::nullopt;
    case TypeKind::Int: {
      uint64_t mask = info.width == 64 ? ~uint64_t{0} : (uint64_t{1} << info.width) - 1;
      if (info.is_signed) {
        int64_t v = 0;
        auto r = std::from_chars(b, e, v);
        if (r.ec != std::errc() || r.ptr != e) return std::nullopt;
        if (info.width < 64) {
          int64_t lo = -(int64_t{1} << (info.width - 1)), hi = (int64_t{1} << (info.width - 1)) - 1;
          if (v < lo || v > hi) return std::nullopt;
        }
        return static_cast<uint64_t>(v) & mask;
      }
      uint64_t v = 0;
      auto r = std::from_chars(b, e, v);
      if (r.ec != std::errc() || r.ptr != e) return std::nullopt;
      if (v > mask) return std::nullopt;
      return v;
    }
    case TypeKind::Float: {
      if (text.size() > 2 && text[0] == '0' && text[1] == 'x') {
        uint64_t v = 0;
        auto r = std::from_chars(b + 2, e, v, 16);
        if (r.ec != std::errc() || r.ptr != e) return std::nullopt;
        if (info.width < 64 && v >> info.width) return std::nullopt;
        return v;
      }
      double d = 0;
      if (text == "inf")
        d = INFINITY;
      else if (text == "-inf")
        d = -INFINITY;
      else if (text == "nan")
        d = NAN;
      else {
        if (info.width == 32) {
          float f = 0;
          auto r = std::from_chars(b, e, f);
          if (r.ec != std::errc() || r.ptr != e) return std::nullopt;
          return std::bit_cast<uint32_t>(f);
        }
        auto r = std::from_chars(b, e, d);
        if (r.ec != std::errc() || r.ptr != e) return std::nullopt;
      }
      if (info.width == 64) {
        if (std::isnan(d)) return 0x7ff8000000000000ull;
        return std::bit_cast<uint64_t>(d);
      }
      if (info.width == 32) {
        if (std::isnan(d)) return 0x7fc00000u;
        return std::bit_cast<uint32_t>(static_cast<float>(d));
      }
      if (std::isnan(d)) return 0x7e00u;
      // f16: decimal -> float is exact for every value printed by format_scalar.
      float f = 0;
      if (std::isinf(d))
        f = static_cast<float>(d);
      else {
        auto r = std::from_chars(b, e, f);
        if (r.ec != std::errc() || r.ptr != e) return std::nullopt;
      }
      return float_to_half(f);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace gpuc::ir
