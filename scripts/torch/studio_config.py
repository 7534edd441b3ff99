"""studio's config.yaml for train.py: the data, model and training sections with studio's defaults
(`Sources/studio/Support/Config/StudioConfig.swift`).

The file is read by a small reader of the YAML that studio's configs use (no PyYAML needed, so train.py runs in the
plain venv of ../shared/tools/setup_torch.sh): top-level sections holding `key: value` lines; values are plain or
quoted scalars, `~`/null, true/false, numbers, flow lists `[a, "b", 1]` or block lists of `- item` lines; `#` starts
a comment. Anything else is an error naming the file, line and column. Keys studio knows but this trainer does not use
(threads, openblas_kernel, generation:, render:, ...) are accepted silently; unknown keys and sections are reported
as warnings and ignored.
"""

import json
import re


class ConfigError(Exception):
    pass


# MARK: - Reader

_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)$")


def _strip_comment(line):
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def _scalar(text, where):
    text = text.strip()
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text[0] == '"':
        if len(text) < 2 or text[-1] != '"':
            raise ConfigError("%s: error: unterminated quoted string" % where)
        try:
            return json.loads(text)
        except ValueError:
            raise ConfigError("%s: error: bad escape in %s" % (where, text)) from None
    if text[0] == "'":
        if len(text) < 2 or text[-1] != "'":
            raise ConfigError("%s: error: unterminated quoted string" % where)
        return text[1:-1].replace("''", "'")
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    if _NUMBER.match(text):
        return float(text) if any(c in text for c in ".eE") else int(text)
    if text[0] in "{&*!|>%@`":
        raise ConfigError("%s: error: this YAML form is not supported here: %s" % (where, text))
    return text


def _flow_list(text, where):
    inner = text.strip()[1:-1]
    items, current, quote = [], "", None
    for ch in inner:
        if quote:
            current += ch
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
            current += ch
        elif ch == ",":
            items.append(current)
            current = ""
        elif ch in "[]{}":
            raise ConfigError("%s: error: nested collections are not supported here" % where)
        else:
            current += ch
    if current.strip() or items:
        items.append(current)
    return [_scalar(item, where) for item in items]


def _value(text, where):
    text = text.strip()
    if text.startswith("["):
        if not text.endswith("]"):
            raise ConfigError("%s: error: unterminated list" % where)
        return _flow_list(text, where)
    return _scalar(text, where)


def read_yaml(text, path):
    """{section: {key: value}} from config text; sections may be empty (`data:` alone, or `data: ~`)."""
    sections, section, key, key_indent, section_indent = {}, None, None, None, None
    open_lists = []
    for number, raw in enumerate(text.split("\n"), 1):
        line = _strip_comment(raw.replace("\r", ""))
        if not line.strip():
            continue
        if "\t" in line[:len(line) - len(line.lstrip())]:
            raise ConfigError("%s:%d:1: error: tabs are not allowed for indentation" % (path, number))
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        where = "%s:%d:%d" % (path, number, indent + 1)
        if indent == 0:
            m = re.match(r"^([A-Za-z_][\w-]*):(\s+(.*))?$", body)
            if not m:
                raise ConfigError("%s: error: expected 'section:'" % where)
            name, rest = m.group(1), (m.group(3) or "").strip()
            if rest not in ("", "~", "null", "{}"):
                raise ConfigError("%s: error: section '%s' must hold 'key: value' lines" % (where, name))
            if name in sections:
                raise ConfigError("%s: error: duplicate section '%s'" % (where, name))
            sections[name], section, key, section_indent = {}, name, None, None
            continue
        if section is None:
            raise ConfigError("%s: error: indented line outside a section" % where)
        if body.startswith("- ") or body == "-":
            if key is None or indent < key_indent or not isinstance(sections[section][key], list):
                raise ConfigError("%s: error: a list item must follow 'key:'" % where)
            sections[section][key].append(_value(body[1:], where))
            continue
        if section_indent is None:
            section_indent = indent
        if indent != section_indent:
            raise ConfigError("%s: error: unexpected indentation" % where)
        m = re.match(r"^([A-Za-z_][\w-]*):(\s+(.*))?$", body)
        if not m:
            raise ConfigError("%s: error: expected 'key: value'" % where)
        key, key_indent = m.group(1), indent
        if key in sections[section]:
            raise ConfigError("%s: error: duplicate key '%s.%s'" % (where, section, key))
        rest = (m.group(3) or "").strip()
        if rest:
            sections[section][key] = _value(rest, where)
        else:  # `key:` alone: a block list follows, or nothing (null)
            sections[section][key] = []
            open_lists.append((section, key))
    for section, key in open_lists:
        if sections[section][key] == []:
            sections[section][key] = None
    return sections


# MARK: - studio's settings

DEFAULTS = {
    "data": {"corpora": ["../shared/corpora/irish.abc"], "weights": [1.0], "validation_fraction": 0.1,
             "split": "every-tenth", "seed": 42},
    "model": {"embedding": 64, "hidden": 256, "layers": 2, "dropout": 0.1},
    "training": {"batch_size": 32, "sequence_length": 100, "steps": 3000, "time_budget": None, "learning_rate": 0.005,
                 "schedule": "cosine", "warmup_steps": 100, "min_learning_rate": 0.0002, "step_size": 1000,
                 "step_gamma": 0.5, "weight_decay": 0.0, "gradient_clip": 1.0, "carry_state": False,
                 "eval_every": 100, "patience": 8, "checkpoint_every": 500, "seed": 1234, "threads": 2,
                 "run_dir": "runs", "models_dir": "models", "export_dtype": "f16", "batching": "tunes"},
}
# studio keys this trainer accepts and does not use.
UNUSED = {
    "training": {"openblas_kernel", "precision"},
    "generation": None, "render": None, "tracking": None,  # None: the whole section
}
CHOICES = {("data", "split"): ("every-tenth", "random"), ("training", "schedule"): ("constant", "step", "cosine"),
           ("training", "export_dtype"): ("f32", "f16", "bf16"), ("training", "batching"): ("windows", "tunes")}


def _check_type(section, key, value, default, path):
    name = "%s.%s" % (section, key)
    if value is None:
        if default is None or key in ("time_budget",):
            return None
        raise ConfigError("%s: error: %s must not be empty" % (path, name))
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError("%s: error: %s must be true or false, not %r" % (path, name, value))
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError("%s: error: %s must be an integer, not %r" % (path, name, value))
    elif isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError("%s: error: %s must be a number, not %r" % (path, name, value))
        value = float(value)
    elif isinstance(default, list):
        if not isinstance(value, list):
            value = [value]
        kind = float if key == "weights" else str
        if kind is float and any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in value):
            raise ConfigError("%s: error: %s must be a list of numbers" % (path, name))
        if kind is str and any(not isinstance(v, str) for v in value):
            raise ConfigError("%s: error: %s must be a list of paths" % (path, name))
        value = [kind(v) for v in value]
    elif key == "time_budget":
        value = str(value)
    if (section, key) in CHOICES and value not in CHOICES[(section, key)]:
        raise ConfigError("%s: error: %s must be one of %s, not %r"
                          % (path, name, ", ".join(CHOICES[(section, key)]), value))
    return value


def load_config(path=None, warn=print):
    """studio's data/model/training settings from `path` (None: the defaults), with studio's defaults filled in.
    `training.batching` defaults to `tunes`. Unknown keys are reported through `warn` and ignored."""
    config = {s: dict(v) for s, v in DEFAULTS.items()}
    if path is None:
        return config
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as error:
        raise ConfigError("%s: error: cannot read the file: %s" % (path, error.strerror)) from None
    for section, body in read_yaml(text, path).items():
        if section not in DEFAULTS:
            if section not in UNUSED:
                warn("%s: warning: unknown section '%s' ignored" % (path, section))
            continue
        for key, value in body.items():
            if key not in DEFAULTS[section]:
                if key not in (UNUSED.get(section) or ()):
                    warn("%s: warning: unknown key '%s.%s' ignored" % (path, section, key))
                continue
            config[section][key] = _check_type(section, key, value, DEFAULTS[section][key], path)
    return config


def parse_duration(text):
    """Seconds in `90s`, `10m`, `1h30m`, `2h`, `1d` or a plain number of seconds (studio's `parseDuration`)."""
    try:
        seconds = float(text)
        if seconds > 0:
            return seconds
    except ValueError:
        pass
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    total, number = 0.0, ""
    for ch in text.lower():
        if ch.isdigit() or ch == ".":
            number += ch
        elif ch in units and number:
            total += float(number) * units[ch]
            number = ""
        else:
            raise ConfigError("'%s' is not a duration; use e.g. 90s, 10m or 1h30m" % text)
    if number or total <= 0:
        raise ConfigError("'%s' is not a duration; use e.g. 90s, 10m or 1h30m" % text)
    return total
