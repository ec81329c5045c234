package nodedata

import (
	"reflect"
	"strings"
	"testing"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
)

// observed304 is /{job}/config as a real ElasticJob-Lite 3.0.4 wrote it (Java 17, ZooKeeper 3.8).
const observed304 = "cron: 0/1 * * * * ?\ndescription: ''\ndisabled: false\nfailover: false\njobName: job0\njobParameter: ''\nmaxTimeDiffSeconds: -1\nmisfire: true\nmonitorExecution: true\noverwrite: true\nreconcileIntervalMinutes: 10\nshardingItemParameters: ''\nshardingTotalCount: 2\nstaticSharding: false\n"

func TestMarshalObserved304(t *testing.T) {
	c := jobapi.NewJobConfiguration("job0", 2)
	c.Cron = "0/1 * * * * ?"
	c.Overwrite = true
	if got := MarshalJobConfig(c); got != observed304 {
		t.Errorf("got\n%s\nwant\n%s", got, observed304)
	}
}

// TestMarshalReferenceExample is the example of ElasticJob's builder (3 items, failover,
// overwrite) as ElasticJob writes it; docs/compatibility.md shows the format.
func TestMarshalReferenceExample(t *testing.T) {
	c := jobapi.NewJobConfiguration("myJob", 3)
	c.Cron = "0/5 * * * * ?"
	c.ShardingItemParameters = "0=Beijing,1=Shanghai,2=Guangzhou"
	c.Failover = true
	c.Overwrite = true
	want := `cron: 0/5 * * * * ?
description: ''
disabled: false
failover: true
jobName: myJob
jobParameter: ''
maxTimeDiffSeconds: -1
misfire: true
monitorExecution: true
overwrite: true
reconcileIntervalMinutes: 10
shardingItemParameters: 0=Beijing,1=Shanghai,2=Guangzhou
shardingTotalCount: 3
staticSharding: false
`
	if got := MarshalJobConfig(c); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestMarshalEveryKey sets every field: optional strings, the listener sequence, props and
// the extra configurations.
func TestMarshalEveryKey(t *testing.T) {
	c := jobapi.NewJobConfiguration("dataflowJob", 2)
	c.Cron = "* * * * * ?"
	c.TimeZone = "GMT+08:00"
	c.JobShardingStrategyType = "ROUND_ROBIN"
	c.JobExecutorServiceHandlerType = "SINGLE_THREAD"
	c.JobErrorHandlerType = "LOG"
	c.JobListenerTypes = []string{"LOG", "true"}
	c.Label = "blue"
	c.Description = "orders: sync"
	c.JobParameter = "x=1"
	c.Props = map[string]string{"streaming.process": "true", "http.connect.timeout.milliseconds": "3000"}
	c.JobExtraConfigurations = "- !!org.apache.shardingsphere.elasticjob.tracing.yaml.YamlTracingConfiguration\n  type: RDB\n"
	c.Disabled = true
	c.StaticSharding = true
	want := `cron: '* * * * * ?'
description: 'orders: sync'
disabled: true
failover: false
jobErrorHandlerType: LOG
jobExecutorServiceHandlerType: SINGLE_THREAD
jobExtraConfigurations:
- !!org.apache.shardingsphere.elasticjob.tracing.yaml.YamlTracingConfiguration
  type: RDB
jobListenerTypes:
- LOG
- 'true'
jobName: dataflowJob
jobParameter: x=1
jobShardingStrategyType: ROUND_ROBIN
label: blue
maxTimeDiffSeconds: -1
misfire: true
monitorExecution: true
overwrite: false
props:
  http.connect.timeout.milliseconds: '3000'
  streaming.process: 'true'
reconcileIntervalMinutes: 10
shardingItemParameters: ''
shardingTotalCount: 2
staticSharding: true
timeZone: GMT+08:00
`
	if got := MarshalJobConfig(c); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestDataflowFixture is the props block of ElasticJob's dataflow test fixture.
func TestDataflowFixture(t *testing.T) {
	c := jobapi.NewJobConfiguration("d", 1)
	c.Props = map[string]string{"streaming.process": "true"}
	if got := MarshalJobConfig(c); !strings.Contains(got, "\nprops:\n  streaming.process: 'true'\nreconcileIntervalMinutes: 10\n") {
		t.Errorf("props block missing in\n%s", got)
	}
}

func TestMarshalMultiLineDescription(t *testing.T) {
	c := jobapi.NewJobConfiguration("j", 1)
	c.Description = "line one\nline two"
	got := MarshalJobConfig(c)
	if want := "description: |-\n  line one\n  line two\ndisabled: false\n"; !strings.Contains(got, want) {
		t.Errorf("got\n%s\nwant it to contain\n%s", got, want)
	}
	c.Description = "trailing space \nx"
	if want := `description: "trailing space \nx"` + "\n"; !strings.Contains(MarshalJobConfig(c), want) {
		t.Errorf("got\n%s\nwant it to contain\n%s", MarshalJobConfig(c), want)
	}
}

func TestUnmarshalObserved304(t *testing.T) {
	got, err := UnmarshalJobConfig(observed304)
	if err != nil {
		t.Fatal(err)
	}
	want := jobapi.NewJobConfiguration("job0", 2)
	want.Cron = "0/1 * * * * ?"
	want.Overwrite = true
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// TestRoundTrip writes, reads and writes again: the bytes must not change.
func TestRoundTrip(t *testing.T) {
	c := jobapi.NewJobConfiguration("round:trip", 4)
	c.Cron = "0 0/5 * * * ?"
	c.Description = "it's a 'quoted' description that is long enough to be folded by SnakeYAML at eighty columns"
	c.JobParameter = "  padded  "
	c.ShardingItemParameters = "0=a,1=b"
	c.JobListenerTypes = []string{"LOG", "- dash", "#hash"}
	c.Props = map[string]string{"k": "yes", "n": "007", "": "empty key", "tab": "a\tb", "multi": "a\nb\n", "ctl": "a\x01b"}
	c.JobExtraConfigurations = "\n- !!org.example.Tagged\n  dataSourceClassName: com.zaxxer.hikari.HikariDataSource\n  url: jdbc:h2:mem:x"
	text := MarshalJobConfig(c)
	back, err := UnmarshalJobConfig(text)
	if err != nil {
		t.Fatalf("%v in\n%s", err, text)
	}
	if !reflect.DeepEqual(back, c) {
		t.Errorf("read back %+v\nwant %+v\nfrom\n%s", back, c, text)
	}
	if again := MarshalJobConfig(back); again != text {
		t.Errorf("rewritten\n%s\nwant\n%s", again, text)
	}
}

func TestUnmarshalLenient(t *testing.T) {
	data := `# written by hand
jobName: j
shardingTotalCount: 0x10
failover: Yes
misfire: on
monitorExecution: 'true'
maxTimeDiffSeconds: -1_0
jobExecutorThreadPoolSizeProviderType: SINGLE_THREAD
unknownKey: [1, 2]
cron: ~
jobParameter: 42
props:
  a: 1
  b: true
  c: ~
jobListenerTypes: [LOG]
jobExtraConfigurations:
- !!org.apache.shardingsphere.elasticjob.kernel.tracing.yaml.YamlTracingConfiguration
  tracingStorageConfiguration: !!org.apache.shardingsphere.elasticjob.kernel.tracing.yaml.YamlDataSourceConfiguration
    dataSourceClassName: com.zaxxer.hikari.HikariDataSource
    props:
      password: secret
  type: RDB

# trailing comment
`
	got, err := UnmarshalJobConfig(data)
	if err != nil {
		t.Fatal(err)
	}
	want := jobapi.JobConfiguration{
		JobName: "j", ShardingTotalCount: 16, Failover: true, Misfire: true, MonitorExecution: true,
		MaxTimeDiffSeconds: -10, JobExecutorServiceHandlerType: "SINGLE_THREAD", JobParameter: "42",
		Props:            map[string]string{"a": "1", "b": "true", "c": ""},
		JobListenerTypes: []string{"LOG"},
		JobExtraConfigurations: "\n- !!org.apache.shardingsphere.elasticjob.kernel.tracing.yaml.YamlTracingConfiguration\n" +
			"  tracingStorageConfiguration: !!org.apache.shardingsphere.elasticjob.kernel.tracing.yaml.YamlDataSourceConfiguration\n" +
			"    dataSourceClassName: com.zaxxer.hikari.HikariDataSource\n    props:\n      password: secret\n  type: RDB",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestUnmarshalDefaults(t *testing.T) {
	got, err := UnmarshalJobConfig("jobName: j\nshardingTotalCount: 1\n")
	if err != nil {
		t.Fatal(err)
	}
	// The POJO defaults, not the builder's: monitorExecution, misfire off, no reconcile.
	want := jobapi.JobConfiguration{JobName: "j", ShardingTotalCount: 1, MaxTimeDiffSeconds: -1}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestUnmarshalExecutorKeys(t *testing.T) {
	got, err := UnmarshalJobConfig("jobExecutorServiceHandlerType: CPU\njobExecutorThreadPoolSizeProviderType: SINGLE_THREAD\n")
	if err != nil {
		t.Fatal(err)
	}
	if got.JobExecutorServiceHandlerType != "CPU" {
		t.Errorf("got %q, want 3.0.4's CPU", got.JobExecutorServiceHandlerType)
	}
}

func TestUnmarshalInlineExtra(t *testing.T) {
	got, err := UnmarshalJobConfig("jobExtraConfigurations: [!!x {a: 1}]\njobName: j\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := " [!!x {a: 1}]"; got.JobExtraConfigurations != want {
		t.Errorf("got %q, want %q", got.JobExtraConfigurations, want)
	}
	if text := MarshalJobConfig(got); !strings.Contains(text, "\njobExtraConfigurations: [!!x {a: 1}]\njobName: j\n") {
		t.Errorf("written as\n%s", text)
	}
}

func TestUnmarshalFlowRoot(t *testing.T) {
	got, err := UnmarshalJobConfig("{jobName: j, jobExtraConfigurations: [!!org.example.Tracing {type: RDB}], jobListenerTypes: [a], jobListenerTypes: [b]}")
	if err != nil {
		t.Fatal(err)
	}
	// No lines to copy: the value is re-encoded. A repeated key wins.
	want := jobapi.JobConfiguration{JobName: "j", MaxTimeDiffSeconds: -1, JobListenerTypes: []string{"b"},
		JobExtraConfigurations: " [!!org.example.Tracing {type: RDB}]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %#v\nwant %#v", got, want)
	}
}

func TestUnmarshalExtraLineBreaks(t *testing.T) {
	for _, br := range []string{"\n", "\r\n", "\r"} {
		data := strings.ReplaceAll("cron: x\njobExtraConfigurations:\n- !!t\n  a: 1\njobName: j\n", "\n", br)
		got, err := UnmarshalJobConfig(data)
		if err != nil {
			t.Fatal(err)
		}
		if want := "\n- !!t\n  a: 1"; got.JobExtraConfigurations != want || got.JobName != "j" {
			t.Errorf("line break %q: got %q, %q; want %q", br, got.JobExtraConfigurations, got.JobName, want)
		}
	}
}

func FuzzUnmarshalJobConfig(f *testing.F) {
	f.Add(observed304)
	f.Add("jobExtraConfigurations: [\n  !!x {a: 1}]\njobName: j\n")
	f.Add("props: {a: !!binary AAEC}\n")
	f.Add("a: 1\rjobExtraConfigurations:\r- x\rb: 2\u2028c: 3")
	f.Fuzz(func(t *testing.T, data string) {
		c, err := UnmarshalJobConfig(data)
		if err != nil {
			return
		}
		// Whatever was read must write and read back to the same configuration.
		again, err := UnmarshalJobConfig(MarshalJobConfig(c))
		if err != nil {
			t.Fatalf("rewritten config unreadable: %v", err)
		}
		if c.JobExtraConfigurations == "" && !reflect.DeepEqual(again, c) {
			t.Fatalf("read back %#v, want %#v", again, c)
		}
	})
}

func TestUnmarshalErrors(t *testing.T) {
	tests := map[string]string{
		"shardingTotalCount: abc\n":        `config YAML: shardingTotalCount: "abc" is not an int`,
		"shardingTotalCount: 3000000000\n": `config YAML: shardingTotalCount: "3000000000" is not an int`,
		"maxTimeDiffSeconds: [1]\n":        `config YAML: maxTimeDiffSeconds: a sequence is not an int`,
		"failover: maybe\n":                `config YAML: failover: "maybe" is not a bool`,
		"cron: {a: b}\n":                   `config YAML: cron: expected a string, got a mapping`,
		"jobListenerTypes: LOG\n":          `config YAML: jobListenerTypes: expected a sequence, got a scalar`,
		"jobListenerTypes: [[a]]\n":        `config YAML: jobListenerTypes: expected a sequence of strings, got a sequence`,
		"props: [a]\n":                     `config YAML: props: expected a mapping, got a sequence`,
		"props:\n  a: [1]\n":               `config YAML: props.a: expected a scalar, got a sequence`,
		"props:\n  a: !!binary '%'\n":      `config YAML: props.a: "%" is not base64`,
		"- a\n- b\n":                       `config YAML: expected a mapping, got a sequence`,
		"just text\n":                      `config YAML: expected a mapping, got a scalar`,
		"":                                 `config YAML: empty document`,
		"a: [\n":                           `config YAML: yaml: line 1: did not find expected node content`,
	}
	for data, want := range tests {
		_, err := UnmarshalJobConfig(data)
		if err == nil || err.Error() != want {
			t.Errorf("UnmarshalJobConfig(%q) error = %v, want %s", data, err, want)
		}
	}
}
