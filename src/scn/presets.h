/*
 * scn/presets.h — scenarios embedded in the binary.
 *
 * Every .ini file in scenarios/ of the source tree is compiled in at build time
 * (cmake/embed_presets.cmake, CMake only): the preset's name is the file
 * name without ".ini". `hvwake scenarios` lists them; scn_load() takes a
 * preset name where it takes a file; a file includes one with
 * `include = preset:NAME`, and presets include each other by file name.
 * Order: by name (deterministic).
 */
#ifndef HV_SCN_PRESETS_H
#define HV_SCN_PRESETS_H

#include <stddef.h>

typedef struct scn_preset {
    const char *name; /* "default" */
    const char *text; /* the .ini file, NUL-terminated */
    size_t len;
} scn_preset;

size_t scn_preset_count(void);
const scn_preset *scn_preset_at(size_t i);
/* By name ("default"; a trailing ".ini" and a "preset:" prefix are
 * accepted), or NULL. */
const scn_preset *scn_preset_find(const char *name);
/* One-line description: the `description` key of [sim] if the preset sets
 * it, else its leading comment, else "". Written into buf. */
const char *scn_preset_description(const scn_preset *p, char *buf, size_t n);

#endif
