package jobtype

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// required returns props[key] or an error naming the key when it is missing or blank.
func required(props map[string]string, key string) (string, error) {
	v := props[key]
	if strings.TrimSpace(v) == "" {
		return "", fmt.Errorf("%s: required", key)
	}
	return v, nil
}

// millis reads an optional positive int (a Java int) of milliseconds; absent or blank means def.
func millis(props map[string]string, key string, def time.Duration) (time.Duration, error) {
	v, ok := props[key]
	if !ok || strings.TrimSpace(v) == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s: %q is not a positive int", key, v)
	}
	return time.Duration(n) * time.Millisecond, nil
}
