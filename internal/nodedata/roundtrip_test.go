package nodedata

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// TestRandomStringsRoundTrip writes random strings made of the characters that steer
// SnakeYAML's style choice (indicators, quotes, blanks, breaks, non-ASCII, control
// characters) and checks that a YAML parser reads every one back unchanged. NEL (U+0085) is
// left out: YAML readers, SnakeYAML's included, turn it into "\n" in block scalars.
func TestRandomStringsRoundTrip(t *testing.T) {
	alphabet := []rune("ab0123.:#-?'\"\\!&*[]{},|>%@`~ \n\t\ré😀\x01\u2028\u00a0")
	rng := rand.New(rand.NewPCG(3, 4))
	randomString := func() string {
		n := rng.IntN(14)
		if rng.IntN(10) == 0 {
			n = 60 + rng.IntN(120) // long enough to fold
		}
		var b strings.Builder
		for range n {
			if rng.IntN(3) == 0 {
				b.WriteString("word ")
			}
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	for round := 0; round < 400; round++ {
		c := jobapi.NewJobConfiguration(randomString()+"j", 1)
		c.Description = randomString()
		c.JobParameter = randomString()
		c.Cron = randomString()
		c.JobListenerTypes = []string{randomString() + "x", randomString() + "y"}
		c.Props = map[string]string{randomString(): randomString(), randomString() + "k": randomString()}
		text := MarshalJobConfig(c)
		back, err := UnmarshalJobConfig(text)
		if err != nil {
			t.Fatalf("%v reading\n%s", err, text)
		}
		if !reflect.DeepEqual(back, c) {
			t.Fatalf("read back %#v\nwant %#v\nfrom\n%s", back, c, text)
		}
	}
}
