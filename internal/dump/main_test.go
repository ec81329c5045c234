package dump

import (
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/zktest"
)

// Servers start and stop in these tests: no goroutine may outlive them.
func TestMain(m *testing.M) { zktest.VerifyTestMain(m) }
