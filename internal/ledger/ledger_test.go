package ledger

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTailReturnsCompleteLinesOnlyAndEachOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p1.ledger")
	tail := &Tail{Path: path}
	if got, err := tail.Next(); err != nil || len(got) != 0 {
		t.Fatalf("before the file exists: %v, %v; want nothing", got, err)
	}
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Record(Entry{Event: "started", Job: "job0", Item: 2, Fire: 10000, Instance: "p1.0", At: 10003}); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(`{"event":"started","job":"job1",`); err != nil { // a line being written
		t.Fatal(err)
	}
	got, err := tail.Next()
	if err != nil || len(got) != 1 || got[0].Job != "job0" || got[0].Item != 2 || got[0].Fire != 10000 || got[0].Instance != "p1.0" {
		t.Fatalf("first Next = %+v, %v; want job0's entry alone", got, err)
	}
	if _, err := f.WriteString(`"item":0,"fire":10000,"instance":"p1.0","at":10004}` + "\n"); err != nil {
		t.Fatal(err)
	}
	got, err = tail.Next()
	if err != nil || len(got) != 1 || got[0].Job != "job1" {
		t.Fatalf("second Next = %+v, %v; want job1's entry, completed", got, err)
	}
	if got, err := tail.Next(); err != nil || len(got) != 0 {
		t.Fatalf("third Next = %+v, %v; want nothing new", got, err)
	}
	if _, err := f.WriteString("not json\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := tail.Next(); err == nil || !strings.HasPrefix(err.Error(), path+":3: ") {
		t.Fatalf("a bad line: err = %v, want one naming %s:3", err, path)
	}
}

func TestReadMergesByTimeAndSkipsAPartialLastLine(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.ledger"), filepath.Join(dir, "b.ledger")
	if err := os.WriteFile(a, []byte(`{"event":"started","job":"j","at":30}`+"\n"+`{"event":"started","job":"j","at":10}`+"\n"+`{"event":"comp`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte(`{"event":"completed","job":"j","at":20}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Read([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	var at []int64
	for _, e := range got {
		at = append(at, e.At)
	}
	if len(at) != 3 || at[0] != 10 || at[1] != 20 || at[2] != 30 {
		t.Fatalf("times %v, want [10 20 30]", at)
	}
	if _, err := Read([]string{filepath.Join(dir, "missing.ledger")}); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a missing ledger: err = %v, want ErrNotExist", err)
	}
}
