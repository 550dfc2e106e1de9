package policies

// Value access: reading the inputs of a decoded plan (known, unknown at preview,
// secret) without caring whether they came from JSON or YAML.

import (
	"encoding/json"
	"strconv"
	"strings"
)

func text(v any) string {
	s, _ := v.(string)
	return s
}

// known returns v as a string when it is a known string.
func known(v any) (string, bool) {
	s, ok := v.(string)
	if !ok || s == Unknown {
		return "", false
	}
	return s, true
}

func isUnknown(v any) bool { s, ok := v.(string); return ok && s == Unknown }

func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return x == "true"
	}
	return false
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

func list(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case map[string]any:
		return []any{x}
	}
	return nil
}

func mapOf(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	if l, ok := v.([]any); ok && len(l) == 1 {
		if m, ok := l[0].(map[string]any); ok {
			return m
		}
	}
	return nil
}

// get walks a dotted path of map keys; a list on the way takes its first element.
func get(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		mm := mapOf(cur)
		if mm == nil {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

func describe(v any) string {
	switch {
	case v == nil:
		return "missing"
	case isUnknown(v):
		return "unknown at preview"
	}
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// raw is v as a string, keeping the unknown sentinel.
func raw(v any) string {
	if isUnknown(v) {
		return Unknown
	}
	return show(v)
}

func show(v any) string {
	switch {
	case v == nil:
		return "missing"
	case isUnknown(v):
		return "unknown"
	}
	if s, ok := v.(string); ok {
		return s
	}
	return describe(v)
}

// getAll walks a dotted path of map keys and returns every value at its end: a
// list on the way is walked element by element, and a string that holds JSON
// (an ECS task's containerDefinitions) is decoded when the path goes on.
func getAll(v any, path string) []any {
	if path == "" {
		if l, ok := v.([]any); ok {
			return l
		}
		if v == nil {
			return nil
		}
		return []any{v}
	}
	k, rest, _ := strings.Cut(path, ".")
	switch x := v.(type) {
	case map[string]any:
		return getAll(x[k], rest)
	case []any:
		var out []any
		for _, e := range x {
			out = append(out, getAll(e, path)...)
		}
		return out
	case string:
		if x == Unknown {
			return []any{x}
		}
		var decoded any
		if json.Unmarshal([]byte(x), &decoded) == nil {
			return getAll(decoded, path)
		}
	}
	return nil
}
