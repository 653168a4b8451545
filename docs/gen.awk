# docs/gen.awk — the engine of docs/gen.sh: reads one Markdown file, runs
# the command written before each output block and writes the file back with
# the blocks regenerated (mode gen) or reports every block whose shown output
# differs from what the command prints now (mode check). Variables (-v):
# mode (gen|check), slow (1: run "slow" blocks in check mode too), measured
# (1: regenerate "measured" blocks), work (the scratch directory the
# commands run in, shown as /shared/study: absolute paths stay the same
# from run to run), ctl (a directory for this script's own files), bin (the
# directory holding hvwake), rev (the source revision, shown as REV), file
# (the name for messages). Markers, each on the line right before a fence:
#   <!-- run: CMD -->         the block is what `sh -c CMD` prints (stdout
#   <!-- run slow: CMD -->    and stderr); "slow": long, checked on request
#   <!-- session -->          the block is a transcript: "$ CMD" lines, each
#   <!-- session slow -->     followed by what it prints
#   <!-- file: NAME -->       the block (```ini or any) is written to NAME
#                             for the commands after it (a scenario file
#                             shown in the docs; tests/scn/docs_examples.sh
#                             reads the same marker)
#   <!-- measured: CMD -->    wall-clock figures: never compared, rewritten
#                             only with --measured
#   <!-- run needs TOOL: CMD -->, <!-- session needs TOOL -->
#                             the command uses TOOL (e.g. trace-cmd): where it
#                             is not installed the block is kept and counted
#                             as skipped, with a message
#   <!-- SCRIPT.sh:NAME --> ... <!-- /SCRIPT.sh:NAME -->
#                             a region written by bench/SCRIPT.sh (tables
#                             built from several runs), left as it is here:
#                             `bench/SCRIPT.sh HVWAKE --check` checks it
# A fence without a marker must carry a language (sh, ini, c, json, text):
# a listing, not an output. Commands of one file run in order, in one
# scratch directory, with hvwake on PATH.

function die_at(line, msg) {
    printf "%s:%d: %s\n", file, line, msg > "/dev/stderr"
    errors++
}

# s with every occurrence of the literal a replaced by b.
function replace_all(s, a, b,    out, i) {
    if (a == "")
        return s
    out = ""
    while ((i = index(s, a)) > 0) {
        out = out substr(s, 1, i - 1) b
        s = substr(s, i + length(a))
    }
    return out s
}

# The output of a command (stdout and stderr), newline-terminated lines.
function run(cmd,    f, o, line, out) {
    f = ctl "/cmd"
    printf "%s\n", cmd > f
    close(f)
    o = ctl "/out"
    system("cd '" work "' && PATH='" bin "':\"$PATH\" LC_ALL=C TZ=UTC sh '" f "' > '" o "' 2>&1 < /dev/null")
    out = ""
    while ((getline line < o) > 0)
        out = out replace_all(replace_all(line, rev, "REV"), work, "/shared/study") "\n"
    close(o)
    return out
}

function emit(s) { printf "%s", s > outfile }

# The first line where two texts differ, for the message.
function first_diff(a, b,    na, nb, x, y, i) {
    na = split(a, x, "\n")
    nb = split(b, y, "\n")
    for (i = 1; i <= na || i <= nb; i++)
        if (x[i] != y[i])
            return sprintf("  line %d of the block\n    shown:   %s\n    printed: %s", i, (i <= na ? x[i] : "(nothing)"), (i <= nb ? y[i] : "(nothing)"))
    return ""
}

# A block's content (indent removed) has been read: produce the new one.
# Is tool on PATH? (asked once per tool)
function have(tool) {
    if (!(tool in found)) {
        found[tool] = system("command -v '" tool "' > /dev/null 2>&1") == 0
        if (!found[tool])
            printf "%s: %s is not installed: its blocks are kept as they are (skipped)\n", file, tool > "/dev/stderr"
    }
    return found[tool]
}

function finish(    new, n, l, i, cmd, out, skip) {
    skip = (kind ~ / slow$/ && mode == "check" && !slow) || (kind == "measured" && (mode == "check" || !measured)) ||
           (needs != "" && !have(needs))
    if (kind == "file") {
        printf "%s", body > (work "/" arg)
        close(work "/" arg)
        new = body
    } else if (skip) {
        new = body
        skipped++
    } else if (kind ~ /^run/) {
        new = run(arg)
    } else if (kind == "measured") {
        new = run(arg)
    } else { # session: "$ CMD" lines, each followed by its output
        new = ""
        n = split(body, l, "\n")
        for (i = 1; i <= n; i++)
            if (substr(l[i], 1, 2) == "$ ") {
                cmd = substr(l[i], 3)
                new = new l[i] "\n" run(cmd)
            } else if (i == 1 && l[i] != "")
                die_at(start, "a session block starts with '" l[i] "'; expected '$ COMMAND'")
    }
    if (kind != "file" && !skip) {
        checked++
        if (new != body) {
            differ++
            if (mode == "check")
                printf "%s:%d: the output shown differs from what `%s` prints now (docs/gen.sh HVWAKE regenerates it):\n%s\n", file, start, (kind ~ /^session/ ? "the session's commands" : arg), first_diff(body, new) > "/dev/stderr"
        }
    }
    # write it back with its indentation
    n = split(new, l, "\n")
    for (i = 1; i < n || (i == n && l[n] != ""); i++)
        emit(indent l[i] "\n")
}

BEGIN {
    outfile = ctl "/new.md"
    printf "" > outfile
    state = 0 # 0 text, 1 the line after a marker, 2 inside a marked block, 3 inside a listing,
              # 4 inside a bench script's region
}

{
    line = $0
    if (state == 4) {
        if (line == region_end)
            state = 0
        emit(line "\n")
        next
    }
    if (state == 2 || state == 3) {
        if (line ~ /^ *```[ \t]*$/ && match(line, /^ */) && RLENGTH == length(indent)) {
            if (state == 2)
                finish()
            emit(line "\n")
            state = 0
            next
        }
        if (state == 3) {
            emit(line "\n")
            next
        }
        body = body substr(line, length(indent) + 1) "\n"
        next
    }
    if (match(line, /^ *```/)) {
        indent = substr(line, 1, RLENGTH - 3)
        lang = substr(line, RLENGTH + 1)
        if (state == 1) {
            if (lang != "" && kind != "file")
                die_at(NR, "the block after the marker has the language '" lang "'; expected an output block (```)")
            state = 2
            start = NR
            body = ""
        } else {
            if (lang == "")
                die_at(NR, "an output block without a marker; expected <!-- run: COMMAND --> or <!-- session --> on the line before it (docs/gen.sh), or a language (sh, ini, c, json, text) for a listing")
            state = 3
        }
        emit(line "\n")
        next
    }
    if (state == 1)
        die_at(NR, "the marker on the line before is not followed by a block; expected ``` right after it")
    state = 0
    if (line ~ /^<!-- [a-z0-9_-]+\.sh:[a-z0-9_-]+ -->$/) {
        region_end = line
        sub(/^<!-- /, "<!-- /", region_end)
        region_start = NR
        state = 4
        emit(line "\n")
        next
    }
    if (line ~ /^ *<!-- (run|run slow|measured|file)( needs [a-z0-9_-]+)?: .* -->[ \t]*$/ ||
        line ~ /^ *<!-- session( slow)?( needs [a-z0-9_-]+)? -->[ \t]*$/) {
        s = line
        sub(/^ *<!-- /, "", s)
        sub(/ -->[ \t]*$/, "", s)
        if (index(s, ": ")) {
            kind = substr(s, 1, index(s, ": ") - 1)
            arg = substr(s, index(s, ": ") + 2)
        } else {
            kind = s
            arg = ""
        }
        needs = ""
        if (match(kind, / needs [a-z0-9_-]+$/)) {
            needs = substr(kind, RSTART + 7)
            kind = substr(kind, 1, RSTART - 1)
        }
        state = 1
    }
    emit(line "\n")
}

END {
    if (state == 4)
        die_at(region_start, "the region is not closed; expected " region_end)
    else if (state >= 2)
        die_at(NR, "the file ends inside a block; expected its closing ```")
    close(outfile)
    printf "%d %d %d %d\n", checked, differ, skipped, errors > (ctl "/counts")
}
