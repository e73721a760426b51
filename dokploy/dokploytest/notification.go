package dokploytest

import "strings"

// notification.create<Type>, update<Type>, all, one, remove for the twelve
// types of Dokploy's notificationType (routers/notification.ts,
// services/notification.ts, schema/notification.ts; captures 518-532).
// Each type keeps its settings in a child table (slack, discord, email,
// ...) that the notification row points to. create answers nothing: ids
// come from notification.all. update<Type> is partial and answers nothing;
// it writes the notification row and then the child row named by the
// <type>Id of the input (whichever notification it belongs to) in one
// transaction: when no child key is given, the child's UPDATE has no
// values, drizzle fails with "No values to set" (500) and nothing is kept
// (captures 524, 525). remove deletes the notification row only and
// answers it without relations; the child row stays, an orphan, as on
// the real server.

var notificationTable = &tableDef{name: "notification", id: "notificationId", cols: []column{
	{"notificationId", nil},
	{"name", nil},
	{"appDeploy", false},
	{"appBuildError", false},
	{"databaseBackup", false},
	{"volumeBackup", false},
	{"dokployRestart", false},
	{"dokployBackup", false},
	{"dockerCleanup", false},
	{"serverThreshold", false},
	{"notificationType", nil},
	{"createdAt", nil},
	{"slackId", nil},
	{"telegramId", nil},
	{"discordId", nil},
	{"emailId", nil},
	{"resendId", nil},
	{"gotifyId", nil},
	{"ntfyId", nil},
	{"mattermostId", nil},
	{"customId", nil},
	{"larkId", nil},
	{"pushoverId", nil},
	{"teamsId", nil},
	{"organizationId", nil},
}}

// notificationKind is one notification type.
type notificationKind struct {
	name  string    // notificationType, relation key and child table: "slack"
	table *tableDef // the child table
	// fields are the type's keys of create<Type>, after the flags and name.
	fields []field
	// loose: create is not .required(), so the flags are optional (custom,
	// pushover); otherwise they are nonoptional and, wrapped in
	// ZodNonOptional, not coerced on REST.
	loose bool
	// noThreshold: the schema has no serverThreshold flag (gotify, ntfy).
	noThreshold bool
	// update replaces the derived update schema (pushover's own z.object).
	update schema
	// check is a zod .refine() of the whole create input, or nil.
	check func(in map[string]any) []issue
}

func jsonbColumns(t *tableDef, cols ...string) *tableDef { t.jsonb = cols; return t }

func childTable(name string, cols ...column) *tableDef {
	return &tableDef{name: name, id: name + "Id", cols: append([]column{{name + "Id", nil}}, cols...)}
}

var notificationKinds = []*notificationKind{
	{name: "slack", table: childTable("slack", column{"webhookUrl", nil}, column{"channel", nil}),
		fields: []field{text("webhookUrl").min1().req(), text("channel").req()}},
	{name: "telegram", table: childTable("telegram", column{"botToken", nil}, column{"chatId", nil}, column{"messageThreadId", nil}),
		fields: []field{text("botToken").min1().req(), text("chatId").min1().req(), text("messageThreadId").req()}},
	{name: "discord", table: childTable("discord", column{"webhookUrl", nil}, column{"decoration", nil}),
		fields: []field{text("webhookUrl").min1().req(), boolean("decoration").req().noCoerce()}},
	{name: "email", table: childTable("email", column{"smtpServer", nil}, column{"smtpPort", nil}, column{"username", nil},
		column{"password", nil}, column{"fromAddress", nil}, column{"toAddresses", nil}),
		fields: []field{text("smtpServer").min1().req(), num("smtpPort").atLeast(1).req().noCoerce(), text("username").min1().req(),
			text("password").min1().req(), text("fromAddress").min1().req(), strArr("toAddresses").nonEmpty().req()}},
	{name: "resend", table: childTable("resend", column{"apiKey", nil}, column{"fromAddress", nil}, column{"toAddresses", nil}),
		fields: []field{text("apiKey").min1().req(), text("fromAddress").min1().req(), strArr("toAddresses").nonEmpty().req()}},
	{name: "gotify", table: childTable("gotify", column{"serverUrl", nil}, column{"appToken", nil}, column{"priority", float64(5)}, column{"decoration", nil}),
		fields: []field{text("serverUrl").min1().req(), text("appToken").min1().req(), num("priority").atLeast(1).req().noCoerce(),
			boolean("decoration").req().noCoerce()},
		noThreshold: true},
	{name: "ntfy", table: childTable("ntfy", column{"serverUrl", nil}, column{"topic", nil}, column{"accessToken", nil}, column{"priority", float64(3)}),
		fields: []field{text("serverUrl").min1().req(), text("topic").min1().req(), text("accessToken").nonopt(),
			num("priority").atLeast(1).req().noCoerce()},
		noThreshold: true},
	{name: "mattermost", table: childTable("mattermost", column{"webhookUrl", nil}, column{"channel", nil}, column{"username", nil}),
		fields: []field{text("webhookUrl").isURL().req(), text("channel"), text("username")}},
	{name: "custom", table: jsonbColumns(childTable("custom", column{"endpoint", nil}, column{"headers", nil}), "headers"),
		fields: []field{text("endpoint").min1().req(), strMap("headers")}, loose: true},
	{name: "lark", table: childTable("lark", column{"webhookUrl", nil}),
		fields: []field{text("webhookUrl").min1().req()}},
	{name: "pushover", table: childTable("pushover", column{"userKey", nil}, column{"apiToken", nil}, column{"priority", float64(0)},
		column{"retry", nil}, column{"expire", nil}),
		fields: []field{text("userKey").min1().req(), text("apiToken").min1().req(), num("priority").between(-2, 2).dflt(0.0),
			num("retry").atLeast(30).null(), num("expire").between(1, 10800).null()},
		loose: true,
		update: concat([]field{text("notificationId").min1().req(), text("pushoverId").min1().req(), text("organizationId"),
			text("userKey").min1(), text("apiToken").min1(), num("priority").between(-2, 2),
			num("retry").atLeast(30).null(), num("expire").between(1, 10800).null()},
			notificationFlags(true, false, false)),
		check: func(in map[string]any) []issue {
			if in["priority"] == 2.0 && (in["retry"] == nil || in["expire"] == nil) {
				return []issue{customIssue([]any{"retry"}, "Retry and expire are required for emergency priority (2)")}
			}
			return nil
		}},
	{name: "teams", table: childTable("teams", column{"webhookUrl", nil}),
		fields: []field{text("webhookUrl").min1().req()}},
}

// notificationFlags are the flag keys and name of a create schema, in its
// order; required: nonoptional flags and a required name.
func notificationFlags(loose, required, noThreshold bool) []field {
	flag := func(n string) field {
		f := boolean(n)
		if required && !loose {
			f = f.nonopt().noCoerce()
		}
		return f
	}
	name := text("name")
	if required {
		name = name.req()
	}
	fs := []field{flag("appBuildError"), flag("databaseBackup"), flag("dokployBackup"), flag("volumeBackup"),
		flag("dokployRestart"), name, flag("appDeploy"), flag("dockerCleanup")}
	if !noThreshold {
		fs = append(fs, flag("serverThreshold"))
	}
	return fs
}

func (k *notificationKind) createSchema() schema {
	return concat(notificationFlags(k.loose, true, k.noThreshold), k.fields)
}

// updateSchema is create's .partial() extended with the ids.
func (k *notificationKind) updateSchema() schema {
	if k.update != nil {
		return k.update
	}
	var sc schema
	for _, f := range k.createSchema() {
		f.presence = optional
		sc = append(sc, f)
	}
	idField := text(k.table.id).req()
	if k.name != "slack" {
		idField = idField.min1()
	}
	return append(sc, text("notificationId").min1().req(), idField, text("organizationId"))
}

// title is the procedure suffix: "Slack".
func (k *notificationKind) title() string { return strings.ToUpper(k.name[:1]) + k.name[1:] }

func notificationProcedures() []*procedure {
	id := schema{text("notificationId").min1().req()}
	var ps []*procedure
	for _, k := range notificationKinds {
		ps = append(ps,
			mutation("notification.create"+k.title(), k.createSchema(), k.create),
			mutation("notification.update"+k.title(), k.updateSchema(), k.updateOne))
	}
	return append(ps,
		query("notification.all", nil, func(s *Server, _ map[string]any) (any, error) {
			out := []any{}
			for _, n := range newestFirst(s.rows(notificationTable)) {
				out = append(out, s.notificationObject(n))
			}
			return out, nil
		}),
		query("notification.one", id, func(s *Server, in map[string]any) (any, error) {
			n := s.find(notificationTable, str(in["notificationId"]))
			if n == nil {
				return nil, errNotFound("Notification not found")
			}
			return s.notificationObject(n), nil
		}),
		// The router turns every error of remove into a 400 with its
		// message, the 404 of a missing notification included.
		mutation("notification.remove", id, func(s *Server, in map[string]any) (any, error) {
			n := s.find(notificationTable, str(in["notificationId"]))
			if n == nil {
				return nil, errBadRequest("Notification not found")
			}
			s.deleteWhere(notificationTable, "notificationId", n["notificationId"])
			return notificationTable.object(n), nil
		}),
	)
}

// notificationObject is the row with its twelve relations, one set.
func (s *Server) notificationObject(n row) object {
	o := notificationTable.object(n)
	for _, k := range notificationKinds {
		var rel any
		if c := s.find(k.table, str(n[k.table.id])); c != nil {
			rel = k.table.object(c)
		}
		o = append(o, kv{k.name, rel})
	}
	return o
}

var flagColumns = []string{"name", "appDeploy", "appBuildError", "databaseBackup", "volumeBackup",
	"dokployRestart", "dokployBackup", "dockerCleanup", "serverThreshold"}

func (k *notificationKind) create(s *Server, in map[string]any) (any, error) {
	if k.check != nil {
		if issues := k.check(in); issues != nil {
			return nil, errValidation(issues)
		}
	}
	c := k.table.newRow()
	set(k.table, c, in)
	c[k.table.id] = s.newID()
	n := notificationTable.newRow()
	for _, col := range flagColumns {
		if v, ok := in[col]; ok {
			n[col] = v
		}
	}
	n["notificationId"] = s.newID()
	n["notificationType"] = k.name
	n["createdAt"] = s.timestamp()
	n[k.table.id] = c[k.table.id]
	n["organizationId"] = s.st.OrganizationID
	s.insert(k.table, c)
	s.insert(notificationTable, n)
	return undefined, nil
}

// updateOne writes the name and flags given to the notification and the
// type's keys given to the child row of the input's <type>Id; ntfy's
// service writes accessToken ?? null, so omitting it clears it.
func (k *notificationKind) updateOne(s *Server, in map[string]any) (any, error) {
	n := s.find(notificationTable, str(in["notificationId"]))
	if n == nil {
		return nil, errNotFound("Notification not found")
	}
	values := map[string]any{}
	for _, f := range k.fields {
		if v, ok := in[f.name]; ok {
			values[f.name] = v
		}
	}
	if _, ok := values["accessToken"]; k.name == "ntfy" && !ok {
		values["accessToken"] = nil
	}
	if len(values) == 0 {
		return nil, errInternal("No values to set")
	}
	for _, col := range flagColumns {
		if v, ok := in[col]; ok {
			n[col] = v
		}
	}
	if c := s.find(k.table, str(in[k.table.id])); c != nil {
		for col, v := range values {
			c[col] = v
		}
	}
	return undefined, nil
}
