package distributeonce_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(zktest.Wrap(m),
		// go-zookeeper's sendloop/recvloop of a closed connection may take a moment to exit.
		goleak.IgnoreTopFunction("time.Sleep"))
}
