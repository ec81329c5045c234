package jobprops

import (
	"testing"
	"time"
)

func TestTypedPropsNameTheKey(t *testing.T) {
	p := map[string]string{"a": " secret ", "n": "12", "bad": "x", "neg": "-1", "big": "3000000000", "b": "TRUE", "nb": "yes", "blank": "  "}
	if v, err := Required(p, "a"); err != nil || v != " secret " {
		t.Fatalf("Required: %q %v", v, err)
	}
	for _, key := range []string{"missing", "blank"} {
		if _, err := Required(p, key); err == nil || err.Error() != key+": required" {
			t.Fatalf("Required(%s): %v", key, err)
		}
	}
	if n, err := PositiveInt(p, "n", 5); err != nil || n != 12 {
		t.Fatalf("PositiveInt: %d %v", n, err)
	}
	if n, err := PositiveInt(p, "missing", 5); err != nil || n != 5 {
		t.Fatalf("PositiveInt default: %d %v", n, err)
	}
	for key, want := range map[string]string{
		"bad": `bad: "x" is not a positive int`,
		"neg": `neg: "-1" is not a positive int`,
		"big": `big: "3000000000" is not a positive int`,
	} {
		if _, err := PositiveInt(p, key, 1); err == nil || err.Error() != want {
			t.Errorf("PositiveInt(%s) = %v, want %s", key, err, want)
		}
	}
	if d, err := Millis(p, "n", time.Second); err != nil || d != 12*time.Millisecond {
		t.Fatalf("Millis: %v %v", d, err)
	}
	if d, err := Millis(p, "missing", 3*time.Second); err != nil || d != 3*time.Second {
		t.Fatalf("Millis default: %v %v", d, err)
	}
	if b, err := Bool(p, "b", false); err != nil || !b {
		t.Fatalf("Bool: %v %v", b, err)
	}
	if b, err := Bool(p, "missing", true); err != nil || !b {
		t.Fatalf("Bool default: %v %v", b, err)
	}
	if _, err := Bool(p, "nb", false); err == nil || err.Error() != `nb: "yes" is not true or false` {
		t.Fatalf("Bool(nb): %v", err)
	}
}

func TestHTTPURL(t *testing.T) {
	p := map[string]string{"ok": " https://h:8080/p?key=k ", "ftp": "ftp://h/", "rel": "/p"}
	if u, err := HTTPURL(p, "ok"); err != nil || u.String() != "https://h:8080/p?key=k" {
		t.Fatalf("HTTPURL(ok): %v %v", u, err)
	}
	for key, want := range map[string]string{
		"missing": "missing: required",
		"ftp":     "ftp: not an absolute http or https URL",
		"rel":     "rel: not an absolute http or https URL",
	} {
		if _, err := HTTPURL(p, key); err == nil || err.Error() != want {
			t.Errorf("HTTPURL(%s): %v, want %s", key, err, want)
		}
	}
}
