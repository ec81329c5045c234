package nodepath

import "testing"

func TestPathsMatchElasticJobLayout(t *testing.T) {
	cases := map[string]string{
		Job("myJob"):                       "/myJob",
		Config("myJob"):                    "/myJob/config",
		Servers("myJob"):                   "/myJob/servers",
		Instances("myJob"):                 "/myJob/instances",
		Triggers("myJob"):                  "/myJob/trigger",
		Leader("myJob"):                    "/myJob/leader",
		FailoverItems("myJob"):             "/myJob/leader/failover/items",
		Sharding("myJob"):                  "/myJob/sharding",
		Item("myJob", 12):                  "/myJob/sharding/12",
		GuaranteeStarted("myJob"):          "/myJob/guarantee/started",
		GuaranteeCompleted("myJob"):        "/myJob/guarantee/completed",
		Server("myJob", "10.0.0.1"):        "/myJob/servers/10.0.0.1",
		Instance("myJob", "10.0.0.1@-@7"):  "/myJob/instances/10.0.0.1@-@7",
		Trigger("myJob", "10.0.0.1@-@7"):   "/myJob/trigger/10.0.0.1@-@7",
		SystemTime("myJob"):                "/myJob/systemTime/current",
		Recorders("myJob"):                 "/myJob/recorders",
		Recorder("myJob", "10.0.0.1@-@7"):  "/myJob/recorders/10.0.0.1@-@7",
		LeaderElectionInstance("myJob"):    "/myJob/leader/election/instance",
		LeaderElectionLatch("myJob"):       "/myJob/leader/election/latch",
		ShardingNecessary("myJob"):         "/myJob/leader/sharding/necessary",
		ShardingProcessing("myJob"):        "/myJob/leader/sharding/processing",
		FailoverItem("myJob", 3):           "/myJob/leader/failover/items/3",
		FailoverLatch("myJob"):             "/myJob/leader/failover/latch",
		ItemInstance("myJob", 0):           "/myJob/sharding/0/instance",
		ItemRunning("myJob", 1):            "/myJob/sharding/1/running",
		ItemMisfire("myJob", 2):            "/myJob/sharding/2/misfire",
		ItemDisabled("myJob", 3):           "/myJob/sharding/3/disabled",
		ItemFailover("myJob", 4):           "/myJob/sharding/4/failover",
		ItemFailovering("myJob", 5):        "/myJob/sharding/5/failovering",
		GuaranteeStartedItem("myJob", 1):   "/myJob/guarantee/started/1",
		GuaranteeCompletedItem("myJob", 1): "/myJob/guarantee/completed/1",
		GuaranteeStartedLatch("myJob"):     "/myJob/guarantee/started-latch",
		GuaranteeCompletedLatch("myJob"):   "/myJob/guarantee/completed-latch",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

// The fire path builds several paths per item: each costs one allocation.
func TestAPathCostsOneAllocation(t *testing.T) {
	job := string([]byte("myJob")) // not a constant: the concatenation happens at run time
	for name, build := range map[string]func() string{
		"ItemRunning":  func() string { return ItemRunning(job, 17) },
		"ItemInstance": func() string { return ItemInstance(job, 3) },
		"FailoverItem": func() string { return FailoverItem(job, 3) },
		"Instance":     func() string { return Instance(job, "10.0.0.1@-@7") },
	} {
		if n := testing.AllocsPerRun(100, func() { _ = build() }); n != 1 {
			t.Errorf("%s: %v allocations, want 1", name, n)
		}
	}
}

func TestSplitAndParseItem(t *testing.T) {
	if job, rest := Split("/myJob/sharding/0/running"); job != "myJob" || rest != "sharding/0/running" {
		t.Fatalf("Split: %q %q", job, rest)
	}
	if job, rest := Split("/myJob"); job != "myJob" || rest != "" {
		t.Fatalf("Split root: %q %q", job, rest)
	}
	for name, want := range map[string]int{"0": 0, "7": 7, "12": 12} {
		if got, ok := ParseItem(name); !ok || got != want {
			t.Errorf("ParseItem(%q) = %d, %v", name, got, ok)
		}
	}
	for _, bad := range []string{"", "-1", "x", "01", "1a", "99999999999999999999"} {
		if _, ok := ParseItem(bad); ok {
			t.Errorf("ParseItem(%q) accepted", bad)
		}
	}
}
