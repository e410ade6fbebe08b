// Includes itself without a guard: must stop at the include depth limit.
#include "self.h"
