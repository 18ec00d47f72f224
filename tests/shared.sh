# tests/shared.sh - sourced by script tests: finds ../shared (or $KP_SHARED).
# Without it a user's run is skipped (exit 77); under CI it is a failure.
KP_SRCDIR=${KP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
KP_BUILDDIR=${KP_BUILDDIR:-$KP_SRCDIR}
KP_SHARED=${KP_SHARED:-$KP_SRCDIR/../shared}
if [ ! -d "$KP_SHARED/conformance" ]; then
	if [ -n "$CI" ]; then
		echo "FAILED: ../shared not present (set KP_SHARED); CI needs it" >&2
		exit 1
	fi
	echo "skipped: ../shared not present"
	exit 77
fi
export KP_SRCDIR KP_BUILDDIR KP_SHARED
