// Verdict's progressive JavaScript: pages work without it; this only makes some things nicer.
'use strict';
