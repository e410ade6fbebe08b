// gpuc's version.
#pragma once

namespace gpuc {
inline constexpr const char* kVersion = "0.1.0";
}
