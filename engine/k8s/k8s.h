/* k8s/k8s.h - quantities, durations, Go formatting, wildcards (private).
 * Transitional: forwards to the old flat header until the layout move. */
#ifndef KP_K8S_H
#define KP_K8S_H
#include "core/core.h"
#endif
