/* core/core.h - arena, errors, string builders, hashing (private).
 * Transitional: the engine is being split into subsystem folders; until
 * then this header forwards to the old flat headers. */
#ifndef KP_CORE_H
#define KP_CORE_H
#include "../internal.h"
#include "../pattern.h"
#endif
