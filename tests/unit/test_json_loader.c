/* test_json_loader.c - the JSON fast path (input/load_json.c). */
#include <criterion/criterion.h>

#include "input/input.h"
