package nodedata

import "testing"

func TestTriggerData(t *testing.T) {
	for _, p := range []string{"", "a=1,b=\"2\"", "ünï\n"} {
		data := MarshalTrigger(p)
		got, ok, err := UnmarshalTrigger(data)
		if err != nil || !ok || got != p {
			t.Errorf("%q: round trip %q -> %q, %v, %v", p, data, got, ok, err)
		}
	}
	if got := MarshalTrigger("x"); got != `{"jobParameter":"x"}` {
		t.Errorf("MarshalTrigger = %s", got)
	}
	if _, ok, err := UnmarshalTrigger(""); ok || err != nil {
		t.Errorf("empty data (ElasticJob's trigger): ok %v, err %v", ok, err)
	}
	for _, bad := range []string{"x", `{"other":1}`, `{"jobParameter":1}`} {
		if _, ok, err := UnmarshalTrigger(bad); ok || err == nil {
			t.Errorf("%q: ok %v, err %v; want an error", bad, ok, err)
		}
	}
}
