package errorhandler

import (
	"errors"
	"log/slog"
	"testing"
)

var errBoom = errors.New("boom <db> & co")

func TestNewDefaultsToLog(t *testing.T) {
	log, buf := newTestLog()
	h, err := New("", nil, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle("orderSync", errBoom); err != nil {
		t.Errorf("LOG Handle = %v; want nil", err)
	}
	wantRecords(t, buf, map[string]any{"level": "ERROR", "msg": "job error", "job": "orderSync", "error": "boom <db> & co"})
}

func TestNewUnknownType(t *testing.T) {
	for _, typ := range []string{"FOO", "log"} {
		_, err := New(typ, nil, nil)
		want := `jobErrorHandlerType "` + typ + `": unknown (known: DINGTALK, EMAIL, IGNORE, LOG, THROW, WECHAT)`
		if err == nil || err.Error() != want {
			t.Errorf("New(%q) error = %v; want %s", typ, err, want)
		}
	}
}

func TestIgnoreAndThrow(t *testing.T) {
	log, buf := newTestLog()
	ignore, err := New("IGNORE", nil, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := ignore.Handle("orderSync", errBoom); err != nil {
		t.Errorf("IGNORE Handle = %v; want nil", err)
	}
	throw, err := New("THROW", nil, log)
	if err != nil {
		t.Fatal(err)
	}
	err = throw.Handle("orderSync", errBoom)
	if err == nil || err.Error() != "job orderSync: boom <db> & co" || !errors.Is(err, errBoom) {
		t.Errorf("THROW Handle = %v; want job orderSync: boom <db> & co wrapping the error", err)
	}
	wantRecords(t, buf)
}

func TestRegisterCustom(t *testing.T) {
	var seenProps map[string]string
	Register("CUSTOM", func(props map[string]string, log *slog.Logger) (Handler, error) {
		seenProps = props
		return HandlerFunc(func(job string, err error) error { return errors.New(job + " handled") }), nil
	})
	t.Cleanup(func() {
		mu.Lock()
		delete(factories, "CUSTOM")
		mu.Unlock()
	})
	h, err := New("CUSTOM", map[string]string{"custom.key": "v"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle("orderSync", errBoom); err == nil || err.Error() != "orderSync handled" {
		t.Errorf("custom Handle = %v", err)
	}
	if seenProps["custom.key"] != "v" {
		t.Errorf("factory saw props %v", seenProps)
	}
	_, err = New("NOPE", nil, nil)
	want := `jobErrorHandlerType "NOPE": unknown (known: CUSTOM, DINGTALK, EMAIL, IGNORE, LOG, THROW, WECHAT)`
	if err == nil || err.Error() != want {
		t.Errorf("New(NOPE) error = %v; want %s", err, want)
	}
}

func TestRegisterPanics(t *testing.T) {
	ok := func(map[string]string, *slog.Logger) (Handler, error) { return ignoreHandler{}, nil }
	tests := []struct {
		typ  string
		f    Factory
		want string
	}{
		{"", ok, "errorhandler: Register with an empty type"},
		{"X", nil, "errorhandler: Register X with a nil factory"},
		{"LOG", ok, "errorhandler: Register called twice for type LOG"},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if r := recover(); r != tt.want {
					t.Errorf("Register(%q) panic = %v; want %s", tt.typ, r, tt.want)
				}
			}()
			Register(tt.typ, tt.f)
		}()
	}
}
