package dokploy

import "encoding/json"

// Created is the answer of a create procedure, of which only the new row's
// id (its IDKey column) and appName are read: a created application's
// answer is its whole row, some 60 columns, and an apply of thousands
// would otherwise build a map of each. An answer that is not an object
// (libsql.create answers true) leaves both empty.
type Created struct {
	IDKey   string // the id column: "applicationId", "postgresId", ...
	ID      string
	AppName string
}

// UnmarshalJSON reads the two columns from the top level of data.
func (c *Created) UnmarshalJSON(data []byte) error {
	var bad bool
	ok := topValues(data, func(key, raw []byte) {
		var dst *string
		switch string(key) {
		case c.IDKey:
			dst = &c.ID
		case "appName":
			dst = &c.AppName
		default:
			return
		}
		if raw[0] == '"' && json.Unmarshal(raw, dst) != nil {
			bad = true
		}
	})
	if ok && !bad {
		return nil
	}
	var row map[string]any // not an object, or a key that needs unescaping
	if json.Unmarshal(data, &row) != nil {
		c.ID, c.AppName = "", ""
		return nil
	}
	c.ID, _ = row[c.IDKey].(string)
	c.AppName, _ = row["appName"].(string)
	return nil
}
