package kinds

// Schedule is a command run on a cron expression in the container of an
// application or of a service of a compose file, matched by name
// (routers/schedule.ts; captures 450-462). schedule.list takes
// {id, scheduleType}: one call per service, in the round trip of the
// services' .one. create needs scheduleType for a compose service (it
// defaults to application) and answers the row; update is not partial
// (name, cronExpression and command are required; what is left out is
// kept); delete answers true. Dokploy does not keep names unique.
var Schedule = &Kind{
	Name: "schedule", Key: "schedules", Parents: []string{"application", "compose"},
	After: "security", AfterIn: map[string]string{"compose": "mounts"},
	Doc:      "Commands that run on a cron schedule in the service's container, matched by name.",
	Identity: []string{"name"},
	Fields: []*Field{
		{Name: "name", Type: String, Required: true, Identity: true, Doc: "Name of the schedule; it identifies the schedule among the service's."},
		{Name: "schedule", API: "cronExpression", Type: String, Required: true, Doc: "When the command runs, as a cron expression, e.g. 0 3 * * * (every day at 03:00)."},
		{Name: "command", Type: String, Required: true, Doc: "Command to run, given to the shell with -c in the container, e.g. php artisan schedule:run."},
		{Name: "shellType", Type: String, Enum: []string{"bash", "sh"}, Default: "bash", Doc: "Shell that runs the command: bash or sh (for images without bash, such as Alpine's)."},
		{Name: "timezone", Type: String, Nullable: true, Default: nil, Doc: "Time zone of the cron expression, e.g. Europe/Berlin; null is UTC."},
		{Name: "enabled", Type: Bool, Default: true, Doc: "Whether the schedule runs: false pauses it."},
		{Name: "description", Type: String, Nullable: true, Default: nil, Doc: "Description of the schedule."},
		{Name: "serviceName", Type: String, Nullable: true, Default: nil, Doc: "Compose services only, and required there: the service of the compose file in whose container the command runs."},
	},
	Read:      Read{Proc: "schedule.list", ParentKey: "id", ParentType: "scheduleType"},
	Router:    "schedule",
	IDKey:     "scheduleId",
	Create:    Create{ParentKey: parentID, Answer: Row, Full: true},
	Update:    Update{Full: true},
	Delete:    Delete{Proc: "schedule.delete"},
	Duplicate: Duplicate{Hint: "; dokploy-sync tells a service's schedules apart by name"},
	Hooks: Hooks{
		CreateInput: func(in map[string]any, parent string) { in["scheduleType"] = parent },
		Validate: func(it Item) []Problem {
			v, parent := it.Values, it.Parent
			return composeService(v, parent, true, "required for a compose service: the command runs in the container of one service of the compose file")
		},
	},
}

// composeService checks the serviceName of a schedule or volume backup:
// an application has no services to name; a compose service needs one
// when needed, and missing says why.
func composeService(v Values, parent string, needed bool, missing string) []Problem {
	name, set := v["serviceName"]
	if name == nil || name == "" {
		set = false // null or "": none
	}
	switch {
	case parent == "application" && set:
		return []Problem{{Field: "serviceName", Message: "only a compose service has services to name; leave it out for an application"}}
	case parent == "compose" && needed && !set:
		return []Problem{{Field: "serviceName", Message: missing}}
	}
	return nil
}
