package kinds

import (
	"strings"
)

// Notification sends Dokploy's events to one channel: Slack, Discord,
// email, ... (captures 518-532). Dokploy is irregular here, and the hooks
// say how:
//
//   - The procedures are per channel type: notification.createSlack,
//     updateSlack, ... (Hooks.Write picks them from the channel the input
//     holds).
//   - The live row nests the channel's settings under its type (slack:
//     {slackId, webhookUrl, channel}), as the spec does, but the create and
//     update inputs have them flat, among the flags (Hooks.Write flattens).
//   - update<Type> needs the notificationId and the id of the channel's
//     own row (slackId), which only the live row has (Hooks.Write).
//   - update<Type> with no key of the channel fails with "No values to
//     set" and writes nothing: the update is full (Update.Full), so every
//     update sends the channel's keys.
//   - create answers nothing: the id is found by name in notification.all.
//   - A notification cannot change its channel: update<Type> writes the
//     channel row its <type>Id names, which a notification of another type
//     does not have (Hooks.Check makes it a plan error).
//
// The spec holds the channel as an object under its type, exactly one per
// notification: the types share key names with different meanings
// (webhookUrl, priority, channel), so flat keys plus a type would need
// rules per type to say which keys go with which, and the object matches
// the live row, which plans and export compare and write with no hook.
var Notification = &Kind{
	Name: "notification", Key: "notifications",
	Doc:       "Where Dokploy sends its events (deploys, build errors, backups, ...), one channel each, by name.",
	NameField: "name",
	Fields: append(append(notificationEvents(), notificationChannels()...),
		Protect),
	Read:   Read{Proc: "notification.all"},
	Router: "notification",
	IDKey:  "notificationId",
	Create: Create{Answer: Nothing, Full: true}, // the creates need every flag
	Update: Update{Full: true},
	Hooks: Hooks{
		Validate: validateNotification,
		Write:    writeNotification,
		Check: func(v Values, live map[string]any) string {
			want, have := channelOf(v), str(live["notificationType"])
			if want == "" || have == "" || want == have {
				return ""
			}
			return "Dokploy cannot change the channel of a live notification (" + have + " -> " + want +
				"); give it another name to create a new one (apply --prune then removes this one)"
		},
	},
}

// NotificationEvents are the events a notification can be sent, in
// Dokploy's order.
var NotificationEvents = []struct{ Name, Doc string }{
	{"appDeploy", "A deploy of an application or compose service finished."},
	{"appBuildError", "A build failed."},
	{"databaseBackup", "A database backup ran."},
	{"volumeBackup", "A volume backup ran."},
	{"dokployBackup", "A backup of Dokploy itself ran."},
	{"dokployRestart", "Dokploy restarted."},
	{"dockerCleanup", "Docker's unused images and containers were cleaned up."},
	{"serverThreshold", "A server passed its CPU or memory threshold (not sent to gotify or ntfy)."},
}

func notificationEvents() []*Field {
	var out []*Field
	for _, e := range NotificationEvents {
		out = append(out, &Field{Name: e.Name, Type: Bool, Default: false, Doc: e.Doc})
	}
	return out
}

// channel is one channel type: its key (notificationType) and fields.
type channel struct {
	typ, doc string
	fields   []*Field
	// noThreshold: the type's procedures take no serverThreshold.
	noThreshold bool
}

func secretURL(doc string) *Field {
	return &Field{Name: "webhookUrl", Type: String, Required: true, Secret: true, Doc: doc + "; it holds the credentials: use ${VAR}."}
}

var channels = []channel{
	{typ: "slack", doc: "A Slack incoming webhook.", fields: []*Field{
		secretURL("The incoming webhook URL"),
		{Name: "channel", Type: String, Default: "", Doc: "The channel to post to (#deploys); none: the webhook's."},
	}},
	{typ: "telegram", doc: "A Telegram bot.", fields: []*Field{
		{Name: "botToken", Type: String, Required: true, Secret: true, Doc: "The bot's token; use ${VAR}."},
		{Name: "chatId", Type: String, Required: true, Doc: "The chat to post to."},
		{Name: "messageThreadId", Type: String, Default: "", Doc: "The topic of the chat to post to."},
	}},
	{typ: "discord", doc: "A Discord webhook.", fields: []*Field{
		secretURL("The webhook URL"),
		{Name: "decoration", Type: Bool, Default: false, Doc: "Messages with colours and emoji."},
	}},
	{typ: "email", doc: "Email through an SMTP server.", fields: []*Field{
		{Name: "smtpServer", Type: String, Required: true, Doc: "The SMTP server's host."},
		{Name: "smtpPort", Type: Int, Required: true, Min: 1, Max: 65535, Doc: "The SMTP server's port."},
		{Name: "username", Type: String, Required: true, Doc: "The SMTP user."},
		{Name: "password", Type: String, Required: true, Secret: true, Doc: "The SMTP password; use ${VAR}."},
		{Name: "fromAddress", Type: String, Required: true, Doc: "The sender's address."},
		{Name: "toAddresses", Type: Strings, Required: true, Doc: "The recipients."},
	}},
	{typ: "resend", doc: "Email through Resend.", fields: []*Field{
		{Name: "apiKey", Type: String, Required: true, Secret: true, Doc: "The Resend API key; use ${VAR}."},
		{Name: "fromAddress", Type: String, Required: true, Doc: "The sender's address."},
		{Name: "toAddresses", Type: Strings, Required: true, Doc: "The recipients."},
	}},
	{typ: "gotify", doc: "A Gotify server.", noThreshold: true, fields: []*Field{
		{Name: "serverUrl", Type: String, Required: true, Doc: "The Gotify server's URL."},
		{Name: "appToken", Type: String, Required: true, Secret: true, Doc: "The application's token; use ${VAR}."},
		{Name: "priority", Type: Int, Default: float64(5), Min: 1, Max: 10, Doc: "The messages' priority."},
		{Name: "decoration", Type: Bool, Default: false, Doc: "Messages with emoji."},
	}},
	{typ: "ntfy", doc: "An ntfy topic.", noThreshold: true, fields: []*Field{
		{Name: "serverUrl", Type: String, Required: true, Doc: "The ntfy server's URL."},
		{Name: "topic", Type: String, Required: true, Doc: "The topic."},
		{Name: "accessToken", Type: String, Default: "", Secret: true, Doc: "An access token for a protected topic; use ${VAR}."},
		{Name: "priority", Type: Int, Default: float64(3), Min: 1, Max: 5, Doc: "The messages' priority."},
	}},
	{typ: "mattermost", doc: "A Mattermost incoming webhook.", fields: []*Field{
		secretURL("The incoming webhook URL"),
		{Name: "channel", Type: String, Nullable: true, Doc: "The channel to post to; none: the webhook's."},
		{Name: "username", Type: String, Nullable: true, Doc: "The name the messages are posted under."},
	}},
	{typ: "custom", doc: "A webhook of your own: a POST of the event as JSON.", fields: []*Field{
		{Name: "endpoint", Type: String, Required: true, Doc: "The URL the events are posted to."},
		{Name: "headers", Type: Map, Secret: true, Doc: "HTTP headers sent with each event (Authorization: ...); use ${VAR}s."},
	}},
	{typ: "lark", doc: "A Lark bot webhook.", fields: []*Field{
		secretURL("The webhook URL"),
	}},
	{typ: "pushover", doc: "Pushover.", fields: []*Field{
		{Name: "userKey", Type: String, Required: true, Secret: true, Doc: "The user (or group) key; use ${VAR}."},
		{Name: "apiToken", Type: String, Required: true, Secret: true, Doc: "The application's API token; use ${VAR}."},
		{Name: "priority", Type: Int, Default: float64(0), Min: -2, Max: 2, Doc: "The messages' priority, -2 to 2; 2 (emergency) needs retry and expire."},
		{Name: "retry", Type: Int, Nullable: true, Min: 30, Max: 10800, Doc: "Seconds between retries of an emergency message."},
		{Name: "expire", Type: Int, Nullable: true, Min: 1, Max: 10800, Doc: "Seconds an emergency message is retried for."},
	}},
	{typ: "teams", doc: "A Microsoft Teams webhook.", fields: []*Field{
		secretURL("The webhook URL"),
	}},
}

// NotificationChannels are the channel types, in Dokploy's order.
func NotificationChannels() []string {
	out := make([]string, len(channels))
	for i, c := range channels {
		out[i] = c.typ
	}
	return out
}

func notificationChannels() []*Field {
	var out []*Field
	for _, c := range channels {
		out = append(out, &Field{Name: c.typ, Type: Object, Fields: c.fields, Doc: c.doc + " Exactly one channel per notification."})
	}
	return out
}

func channelNamed(typ string) *channel {
	for i := range channels {
		if channels[i].typ == typ {
			return &channels[i]
		}
	}
	return nil
}

// channelOf is the channel type an item sets ("" for none).
func channelOf(v Values) string {
	for _, c := range channels {
		if x, ok := v[c.typ]; ok && x != nil {
			return c.typ
		}
	}
	return ""
}

func validateNotification(item Item) []Problem {
	v := item.Values
	var set []string
	for _, c := range channels {
		if _, ok := v[c.typ]; ok {
			set = append(set, c.typ)
		}
	}
	switch {
	case len(set) == 0:
		return []Problem{{Message: "needs its channel: one of " + strings.Join(NotificationChannels(), ", ")}}
	case len(set) > 1:
		return []Problem{{Field: set[1], Message: "a notification has one channel, and this one has " + set[0] + " already; declare another notification for " + set[1]}}
	}
	if c := channelNamed(set[0]); c.noThreshold {
		if b, _ := v["serverThreshold"].(bool); b {
			return []Problem{{Field: "serverThreshold", Message: "Dokploy sends no server threshold events to " + c.typ}}
		}
	}
	return nil
}

// writeNotification flattens the channel of a create or update input and
// names the channel's procedure; an update gets the channel row's id from
// the live row.
func writeNotification(in, live map[string]any) string {
	typ := ""
	var settings map[string]any
	for _, c := range channels {
		if m, ok := in[c.typ].(map[string]any); ok && typ == "" {
			typ, settings = c.typ, m
		}
		delete(in, c.typ)
	}
	c := channelNamed(typ)
	if c == nil {
		return "" // validation requires a channel: never here
	}
	for _, f := range c.fields {
		if v, ok := settings[f.APIName()]; ok {
			in[f.APIName()] = v
		} else if f.Default != nil {
			in[f.APIName()] = f.Default // create<Type> requires the key
		}
	}
	if c.noThreshold {
		delete(in, "serverThreshold")
	}
	title := strings.ToUpper(typ[:1]) + typ[1:]
	if live == nil {
		return "notification.create" + title
	}
	in[typ+"Id"] = live[typ+"Id"]
	return "notification.update" + title
}

func str(v any) string { s, _ := v.(string); return s }
