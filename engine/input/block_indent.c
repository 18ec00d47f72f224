/* block_indent.c - the content indentation of a block scalar, which the
 * document tree keeps so that a position inside the scalar's text (an
 * expression's bad column) maps back to the file. */
#include "input/input.h"

unsigned kp_block_indent(const char *buf, size_t len, size_t header_pos)
{
	size_t i = header_pos;
	while (i < len && buf[i] != '\n')
		i++;
	while (i < len) {
		i++; /* past the line break */
		size_t spaces = 0;
		while (i < len && buf[i] == ' ')
			i++, spaces++;
		if (i < len && buf[i] != '\n' && buf[i] != '\r')
			return spaces > 0xffff ? 0xffff : (unsigned)spaces;
		while (i < len && buf[i] != '\n')
			i++;
	}
	return 0;
}
