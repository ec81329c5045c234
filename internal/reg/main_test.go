package reg

import (
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/zktest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(zktest.Wrap(m)) }
