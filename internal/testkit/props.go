package testkit

import "maps"

// Absent, as the value given to With, removes the key.
const Absent = "<absent>"

// With returns a copy of base with key set to value, or removed when value is Absent: one
// case of a validation table that starts from a valid configuration.
func With(base map[string]string, key, value string) map[string]string {
	m := maps.Clone(base)
	if value == Absent {
		delete(m, key)
	} else {
		m[key] = value
	}
	return m
}
