// Package directive parses the //elasticjob: comment directives that ejgen reads.
//
// A directive is one comment line directly above a type or func declaration:
//
//	//elasticjob:job name=orderSync cron="0/5 * * * * ?" shardingTotalCount=3
//
// Each kind is a typed struct (Job, Listener, DistributeOnce). Their struct tags are the
// single source of truth: parsing, validation, the -help text (Help) and the README table
// (MarkdownReference) are all derived from them by reflection, so a key cannot be parsed
// without being documented, or documented without being parsed.
//
// The keys of //elasticjob:job are those of internal/jobconf's table, the one schema of a
// job's configuration: their tag is only directive:"key", and the rest comes from the table.
//
// Tags on a directive field of the other kinds:
//
//	directive:"key[,required][,allowEmpty][,hint=other]..."  key as ElasticJob spells it; hints feed did-you-mean
//	doc:"..."           one line for help and README
//	min:"1"             lower bound (an int, or a Go duration for duration fields)
//	enum:"A|B"          allowed values of a string
//	format:"jobName"    extra value check: jobName or itemParameters
//
// The embedded Source field carries the kind's doc. Pointer, slice and map fields are
// optional: nil means "not set", which matters because YAML and defaults merge on top later.
//
// Parse reports every problem of a line at once, each at the file:line:col of the
// offending token. Attaching directives to declarations is the loader's job.
package directive
