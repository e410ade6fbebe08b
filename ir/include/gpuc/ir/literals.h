// Scalar literals of the .gir text format, shared by the printer and the parser.
//
//  bool: true | false       ints: decimal (signed types may be negative)
//  floats: shortest decimal that round-trips (always with '.', 'e', "inf" or "nan"), or
//          0x<hex bits> for NaNs with a payload other than the canonical quiet NaN.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gpuc/ir/types.h"

namespace gpuc::ir {

// Formats the bits of a scalar constant of type `t` (bool, int or float).
std::string format_scalar(const TypeTable& types, TypeId t, uint64_t bits);
// Parses a scalar literal of type `t`; nullopt when it is malformed or out of range.
std::optional<uint64_t> parse_scalar(const TypeTable& types, TypeId t, std::string_view text);

// IEEE helpers for f16 constants.
uint16_t float_to_half(float f);
float half_to_float(uint16_t h);

}  // namespace gpuc::ir
