package errorhandler

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// required returns props[key] as is (a password may have meaningful spaces), or an error
// naming the key when it is missing or blank.
func required(props map[string]string, key string) (string, error) {
	v := props[key]
	if strings.TrimSpace(v) == "" {
		return "", fmt.Errorf("%s: required", key)
	}
	return v, nil
}

// positiveInt parses props[key] as a positive Java int; absent or blank means def.
func positiveInt(props map[string]string, key string, def int) (int, error) {
	v := strings.TrimSpace(props[key])
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s: %q is not a positive int", key, props[key])
	}
	return int(n), nil
}

// millis is positiveInt as a duration in milliseconds.
func millis(props map[string]string, key string, def int) (time.Duration, error) {
	n, err := positiveInt(props, key, def)
	return time.Duration(n) * time.Millisecond, err
}

// boolean parses props[key] as true or false (any case); absent or blank means def.
func boolean(props map[string]string, key string, def bool) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(props[key])) {
	case "":
		return def, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%s: %q is not true or false", key, props[key])
}
