package nodedata

import (
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/elasticjob-go/elasticjob/internal/jobapi"
	"github.com/elasticjob-go/elasticjob/internal/jobconf"
)

// UnmarshalJobConfig reads /{job}/config leniently, as a Go peer must read what any 3.0.x
// version, the console or a person wrote: unknown keys are ignored, 3.0.5's
// jobExecutorThreadPoolSizeProviderType is read as jobExecutorServiceHandlerType (3.0.4's
// spelling wins when both are present), absent and null keys take the POJO defaults
// (maxTimeDiffSeconds -1, every other number 0 and every bool false), scalars are read as
// SnakeYAML reads them into the POJO (ints as YAML 1.1 ints, bools as yes/no/true/false/
// on/off in any case, props values of any type as their text).
//
// jobExtraConfigurations, whose elements carry Java class tags, is kept as the raw text that
// follows its key in data, up to the next key: for ElasticJob's output that is "\n- !!org..."
// and MarshalJobConfig writes it back unchanged.
//
// Errors name the offending key: data that is not YAML, not a mapping, or a key whose value
// has the wrong type.
func UnmarshalJobConfig(data string) (jobapi.JobConfiguration, error) {
	root, err := parseMapping(data)
	if err != nil {
		return jobapi.JobConfiguration{}, fmt.Errorf("config YAML: %w", err)
	}
	c := jobapi.JobConfiguration{MaxTimeDiffSeconds: -1}
	var executorType, executorType305 string
	fields := configFields(&c, &executorType, &executorType305)
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], deref(root.Content[i+1])
		if key.Kind != yaml.ScalarNode {
			continue
		}
		if key.Value == "jobExtraConfigurations" {
			c.JobExtraConfigurations = rawValue(data, root, i)
			continue
		}
		target, known := fields[key.Value]
		if !known || isNull(value) {
			continue
		}
		if err := decodeField(key.Value, value, target); err != nil {
			return jobapi.JobConfiguration{}, fmt.Errorf("config YAML: %w", err)
		}
	}
	c.JobExecutorServiceHandlerType = executorType
	if executorType == "" {
		c.JobExecutorServiceHandlerType = executorType305
	}
	return c, nil
}

// CheckJobConfigKeys reports, for a configuration a person wrote, every key of the mapping that
// is not a JobConfigurationPOJO key (which UnmarshalJobConfig ignores), each as "line L: ...".
func CheckJobConfigKeys(data string) error {
	root, err := parseMapping(data)
	if err != nil {
		return fmt.Errorf("config YAML: %w", err)
	}
	var c jobapi.JobConfiguration
	var a, b string
	known := slices.Sorted(maps.Keys(configFields(&c, &a, &b)))
	known = append(known, "jobExtraConfigurations")
	var errs []error
	for i := 0; i+1 < len(root.Content); i += 2 {
		key := root.Content[i]
		if slices.Contains(known, key.Value) {
			continue
		}
		err := fmt.Errorf("line %d: %q is not a job configuration key", key.Line, key.Value)
		if s := jobconf.Suggest(key.Value, known, known); s != "" {
			err = fmt.Errorf("%w (did you mean %s?)", err, s)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// configFields maps each key of the POJO to the field it is read into.
func configFields(c *jobapi.JobConfiguration, executorType, executorType305 *string) map[string]any {
	return map[string]any{
		"jobName": &c.JobName, "cron": &c.Cron, "timeZone": &c.TimeZone,
		"shardingTotalCount": &c.ShardingTotalCount, "shardingItemParameters": &c.ShardingItemParameters,
		"jobParameter": &c.JobParameter, "monitorExecution": &c.MonitorExecution, "failover": &c.Failover,
		"misfire": &c.Misfire, "maxTimeDiffSeconds": &c.MaxTimeDiffSeconds,
		"reconcileIntervalMinutes": &c.ReconcileIntervalMinutes, "jobShardingStrategyType": &c.JobShardingStrategyType,
		"jobExecutorServiceHandlerType": executorType, "jobExecutorThreadPoolSizeProviderType": executorType305,
		"jobErrorHandlerType": &c.JobErrorHandlerType, "jobListenerTypes": &c.JobListenerTypes,
		"description": &c.Description, "props": &c.Props, "disabled": &c.Disabled, "overwrite": &c.Overwrite,
		"label": &c.Label, "staticSharding": &c.StaticSharding,
	}
}

// parseMapping parses data into its root mapping node.
func parseMapping(data string) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(data), &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, fmt.Errorf("empty document")
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("expected a mapping, got %s", kindName(root))
	}
	return root, nil
}

func decodeField(key string, value *yaml.Node, target any) error {
	switch t := target.(type) {
	case *string:
		if value.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s: expected a string, got %s", key, kindName(value))
		}
		s, err := scalarText(value)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		*t = s
	case *int:
		n, ok := parseInt(value)
		if !ok {
			return fmt.Errorf("%s: %s is not an int", key, describe(value))
		}
		*t = n
	case *bool:
		b, ok := parseBool(value)
		if !ok {
			return fmt.Errorf("%s: %s is not a bool", key, describe(value))
		}
		*t = b
	case *[]string:
		if value.Kind != yaml.SequenceNode {
			return fmt.Errorf("%s: expected a sequence, got %s", key, kindName(value))
		}
		var items []string
		for _, item := range value.Content {
			item = deref(item)
			if item.Kind != yaml.ScalarNode {
				return fmt.Errorf("%s: expected a sequence of strings, got %s", key, kindName(item))
			}
			if isNull(item) {
				continue
			}
			s, err := scalarText(item)
			if err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			items = append(items, s)
		}
		*t = items
	case *map[string]string:
		if value.Kind != yaml.MappingNode {
			return fmt.Errorf("%s: expected a mapping, got %s", key, kindName(value))
		}
		m := map[string]string{}
		for i := 0; i+1 < len(value.Content); i += 2 {
			k, v := deref(value.Content[i]), deref(value.Content[i+1])
			if k.Kind != yaml.ScalarNode || v.Kind != yaml.ScalarNode {
				return fmt.Errorf("%s.%s: expected a scalar, got %s", key, k.Value, kindName(v))
			}
			name, err := scalarText(k)
			if err != nil {
				return fmt.Errorf("%s: key %w", key, err)
			}
			if m[name], err = scalarText(v); err != nil {
				return fmt.Errorf("%s.%s: %w", key, name, err)
			}
		}
		if len(m) > 0 {
			*t = m
		}
	}
	return nil
}

// scalarText is the string SnakeYAML reads from a scalar: its text, "" for null, and the
// decoded bytes of a !!binary scalar (which is how it writes non-printable strings).
func scalarText(n *yaml.Node) (string, error) {
	switch n.ShortTag() {
	case "!!null":
		return "", nil
	case "!!binary":
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(n.Value), ""))
		if err != nil {
			return "", fmt.Errorf("%s is not base64", describe(n))
		}
		return string(b), nil
	}
	return n.Value, nil
}

// parseInt reads a scalar as SnakeYAML reads it into an int property: YAML 1.1 integers
// with "_" separators, 0b, 0x, leading-0 octal and base 60 (1:30), within 32 bits.
func parseInt(n *yaml.Node) (int, bool) {
	if n.Kind != yaml.ScalarNode {
		return 0, false
	}
	s := strings.ReplaceAll(n.Value, "_", "")
	sign := int64(1)
	if s != "" && (s[0] == '-' || s[0] == '+') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	var v int64
	var err error
	switch {
	case s == "":
		return 0, false
	case strings.HasPrefix(s, "0b"):
		v, err = strconv.ParseInt(s[2:], 2, 64)
	case strings.HasPrefix(s, "0x"):
		v, err = strconv.ParseInt(s[2:], 16, 64)
	case len(s) > 1 && s[0] == '0':
		v, err = strconv.ParseInt(s[1:], 8, 64)
	case strings.Contains(s, ":"):
		for _, digits := range strings.Split(s, ":") {
			d, derr := strconv.ParseInt(digits, 10, 64)
			if derr != nil || d < 0 || v > 1<<40 {
				return 0, false
			}
			v = v*60 + d
		}
	default:
		v, err = strconv.ParseInt(s, 10, 64)
	}
	if err != nil || v < 0 {
		return 0, false
	}
	v *= sign
	if v < -1<<31 || v > 1<<31-1 {
		return 0, false
	}
	return int(v), true
}

// parseBool reads a scalar as SnakeYAML's bool constructor does.
func parseBool(n *yaml.Node) (bool, bool) {
	if n.Kind != yaml.ScalarNode {
		return false, false
	}
	switch strings.ToLower(n.Value) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	return false, false
}

// rawValue returns the text that follows the key root.Content[i] up to the next key: the
// value exactly as written, without trailing blank, comment or document-end lines. In a flow
// mapping root the keys share lines; the value is re-encoded instead.
func rawValue(data string, root *yaml.Node, i int) string {
	key, value := root.Content[i], deref(root.Content[i+1])
	if isNull(value) || (value.Kind == yaml.SequenceNode && len(value.Content) == 0) {
		return ""
	}
	lines := splitLines(data)
	end := len(lines) // line index (0-based) after the value
	if i+2 < len(root.Content) {
		end = root.Content[i+2].Line - 1
	}
	if root.Style&yaml.FlowStyle != 0 || end < key.Line || end > len(lines) {
		out, err := yaml.Marshal(value)
		if err != nil {
			return ""
		}
		text := strings.TrimRight(string(out), "\n")
		if value.Style&yaml.FlowStyle != 0 {
			return " " + text // a flow collection stays on the key's line
		}
		return "\n" + text
	}
	block := lines[key.Line:end]
	for len(block) > 0 {
		last := strings.TrimSpace(block[len(block)-1])
		if last != "" && last != "..." && !strings.HasPrefix(last, "#") {
			break
		}
		block = block[:len(block)-1]
	}
	text := ""
	if value.Line == key.Line { // the value starts on the key's line
		first := []rune(lines[key.Line-1])
		text = " " + string(first[min(value.Column-1, len(first)):])
	}
	for _, line := range block {
		text += "\n" + line
	}
	return text
}

// splitLines splits data at the line breaks YAML 1.1 counts (CRLF, CR, LF, NEL, LS, PS), so
// that line numbers match the parser's.
func splitLines(data string) []string {
	var lines []string
	start := 0
	for i, r := range data {
		switch r {
		case '\r':
			if strings.HasPrefix(data[i:], "\r\n") {
				continue // the \n ends the line
			}
		case '\n', '\u0085', '\u2028', '\u2029':
		default:
			continue
		}
		lines = append(lines, strings.TrimSuffix(data[start:i], "\r"))
		start = i + utf8.RuneLen(r)
	}
	return append(lines, data[start:])
}

func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a sequence"
	case yaml.ScalarNode:
		return "a scalar"
	}
	return "nothing"
}

// describe names a value in an error: the quoted text of a scalar, else its kind.
func describe(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return strconv.Quote(n.Value)
	}
	return kindName(n)
}
