package console

import (
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

func TestMain(m *testing.M) { zktest.VerifyTestMain(m) }
