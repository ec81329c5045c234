package autoconfig

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// convert turns a value as a source gives it (YAML types, or text from a directive or the
// environment) into the Go type of a field: string, int, bool or []string.
func convert(kind reflect.Kind, raw any) (any, error) {
	switch kind {
	case reflect.Int:
		switch v := raw.(type) {
		case int:
			return v, nil
		case int64:
			if int64(int(v)) == v {
				return int(v), nil
			}
		case string:
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				return n, nil
			}
		}
		return nil, fmt.Errorf("%s is not an int", describe(raw))
	case reflect.Bool:
		switch v := raw.(type) {
		case bool:
			return v, nil
		case string:
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "true":
				return true, nil
			case "false":
				return false, nil
			}
		}
		return nil, fmt.Errorf("%s is not a bool", describe(raw))
	case reflect.Slice:
		switch v := raw.(type) {
		case string: // comma-separated, as Spring binds a list from text
			var list []string
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					list = append(list, s)
				}
			}
			return list, nil
		case []any:
			list := make([]string, 0, len(v))
			for _, e := range v {
				s, err := scalar(e)
				if err != nil {
					return nil, fmt.Errorf("list element %w", err)
				}
				list = append(list, s)
			}
			return list, nil
		}
		return nil, fmt.Errorf("%s is not a list", describe(raw))
	}
	return scalar(raw)
}

// scalar is the text of a YAML scalar: Spring binds `jobParameter: 42` as "42".
func scalar(raw any) (string, error) {
	switch v := raw.(type) {
	case string:
		return v, nil
	case int, int64, uint64, float64, bool:
		return fmt.Sprint(v), nil
	}
	return "", fmt.Errorf("%s is not a string", describe(raw))
}

// describe shows a value in an error: strings quoted, maps and lists by kind.
func describe(raw any) string {
	switch v := raw.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case map[string]any:
		return "a map"
	case []any:
		return "a list"
	default:
		return fmt.Sprint(v)
	}
}

// flattenProps turns a YAML props map into dotted keys: props: {script: {command.line: x}}
// and props: {script.command.line: x} are the same prop.
func flattenProps(prefix string, m map[string]any, out map[string]any) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if sub, ok := m[k].(map[string]any); ok {
			flattenProps(key, sub, out)
			continue
		}
		out[key] = m[k]
	}
}
