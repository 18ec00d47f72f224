/* value/value.h - the document tree (kp_value), builder, typing (private).
 * Transitional: forwards to the old flat header until the layout move. */
#ifndef KP_VALUE_H
#define KP_VALUE_H
#include "core/core.h"
#endif
