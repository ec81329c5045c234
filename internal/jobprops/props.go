// Package jobprops reads the typed values of a job's props (script.command.line,
// http.connect.timeout.milliseconds, email.port…) with errors that name the prop.
package jobprops

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Required returns p[key] as is (a password may have meaningful spaces), or an error naming
// the key when it is missing or blank.
func Required(p map[string]string, key string) (string, error) {
	v := p[key]
	if strings.TrimSpace(v) == "" {
		return "", fmt.Errorf("%s: required", key)
	}
	return v, nil
}

// PositiveInt parses p[key] as a positive Java int; absent or blank means def.
func PositiveInt(p map[string]string, key string, def int) (int, error) {
	v := strings.TrimSpace(p[key])
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s: %q is not a positive int", key, p[key])
	}
	return int(n), nil
}

// Millis reads a positive int of milliseconds; absent or blank means def.
func Millis(p map[string]string, key string, def time.Duration) (time.Duration, error) {
	n, err := PositiveInt(p, key, int(def/time.Millisecond))
	return time.Duration(n) * time.Millisecond, err
}

// Bool parses p[key] as true or false (any case); absent or blank means def.
func Bool(p map[string]string, key string, def bool) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(p[key])) {
	case "":
		return def, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("%s: %q is not true or false", key, p[key])
}

// HTTPURL parses p[key] as an absolute http or https URL. The error does not echo the value:
// a URL may carry credentials or a robot's key.
func HTTPURL(p map[string]string, key string) (*url.URL, error) {
	raw, err := Required(p, key)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s: not an absolute http or https URL", key)
	}
	return u, nil
}
