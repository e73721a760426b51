package dokploytest

import "regexp"

// domain.create, update, delete, one, byApplicationId, byComposeId (API.md
// §2.6, QUIRKS DM1-DM8, captures 034-039, 115, 116, 134, 303, 304).

var domainTypes = []string{"compose", "application", "preview"}

// hostnamePattern is VALID_HOSTNAME_REGEX (utils/hostname-validation.ts):
// RFC 1123 labels, at least two of them, no underscores.
var hostnamePattern = regexp.MustCompile(`^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)

const invalidHostnameMessage = "Invalid domain name. Use only letters, numbers, hyphens and dots (e.g. example.com). Underscores are not allowed."

// hostField is the host of domain.create and update (validations/domain.ts):
// min 1 ("Add a hostname"), no surrounding white space, then trimmed and
// checked against the RFC 1123 pattern. The field-level checks survive
// drizzle-zod; the object-level superRefine of the form (https needs a
// certificate type, ...) does not, so the server does not apply it.
func hostField() field {
	return text("host").min1().messages("Add a hostname", "").
		refine("Domain name cannot have leading or trailing spaces", func(v any) bool {
			s := v.(string)
			return s == jsTrim(s)
		}).
		transform(func(v any, path []any) (any, []issue) {
			host := jsTrim(v.(string))
			if !hostnamePattern.MatchString(host) {
				return nil, []issue{customIssue(path, invalidHostnameMessage)}
			}
			return host, nil
		})
}

// domainPortField is the port of a domain, with the form's messages
// (capture 115).
func domainPortField() field {
	return num("port").null().between(1, 65535).messages("Port must be at least 1", "Port must be 65535 or below")
}

func domainProcedures() []*procedure {
	domainID := schema{text("domainId").min1().req()}
	return []*procedure{
		mutation("domain.create", schema{
			hostField().req(),
			text("path").min1().null(),
			domainPortField(),
			text("customEntrypoint").null(),
			boolean("https"),
			text("applicationId").null(),
			enum("certificateType", certificateTypes...),
			text("customCertResolver").null(),
			text("composeId").null(),
			text("serviceName").null(),
			enum("domainType", domainTypes...).null(),
			text("previewDeploymentId").null(),
			text("internalPath").null(),
			boolean("stripPath"),
			strArr("middlewares").null(),
			boolean("forwardAuthEnabled"),
		}, domainCreate),
		mutation("domain.update", schema{
			hostField().req(),
			text("path").min1().null(),
			domainPortField(),
			text("customEntrypoint").null(),
			boolean("https"),
			enum("certificateType", certificateTypes...),
			text("customCertResolver").null(),
			text("serviceName").null(),
			enum("domainType", domainTypes...).null(),
			text("internalPath").null(),
			boolean("stripPath"),
			strArr("middlewares").null(),
			boolean("forwardAuthEnabled"),
			boolean("enabled"),
			text("domainId").req(),
		}, domainUpdate),
		mutation("domain.delete", domainID, domainDelete),
		query("domain.one", domainID, func(s *Server, in map[string]any) (any, error) {
			d, err := s.domain(in)
			if err != nil {
				return nil, err
			}
			return s.domainObject(d, applicationTable), nil
		}),
		query("domain.byApplicationId", applicationIDOnly, func(s *Server, in map[string]any) (any, error) {
			if _, err := s.application(in); err != nil {
				return nil, err
			}
			return s.domainList(applicationTable, in["applicationId"]), nil
		}),
		query("domain.byComposeId", composeIDOnly, func(s *Server, in map[string]any) (any, error) {
			if _, err := s.compose(in); err != nil {
				return nil, err
			}
			return s.domainList(composeTable, in["composeId"]), nil
		}),
	}
}

// domain finds the domain of in["domainId"].
func (s *Server) domain(in map[string]any) (row, error) {
	d := s.find(domainTable, str(in["domainId"]))
	if d == nil {
		return nil, errNotFound("Domain not found")
	}
	return d, nil
}

// domainObject is the row with its owner reduced to {<id>, appName, name}
// (null when the domain belongs to no such owner).
func (s *Server) domainObject(d row, owner *tableDef) object {
	var rel any
	if id, ok := d[owner.id].(string); ok {
		if r := s.find(owner, id); r != nil {
			rel = pick(r, owner.id, "appName", "name")
		}
	}
	return append(domainTable.object(d), kv{owner.name, rel})
}

// domainList lists the domains of one application or compose, in table
// order (the query has no ORDER BY).
func (s *Server) domainList(owner *tableDef, id any) []any {
	out := []any{}
	for _, d := range s.where(domainTable, owner.id, id) {
		out = append(out, s.domainObject(d, owner))
	}
	return out
}

// domainCreate answers the new row. The router checks the owner only when
// domainType names it, and turns every error into a 400 with its message;
// an owner id that names nothing otherwise fails the insert (DM3).
// Explicit nulls are stored (DM2).
func domainCreate(s *Server, in map[string]any) (any, error) {
	switch {
	case in["domainType"] == "compose" && str(in["composeId"]) != "":
		if _, err := s.compose(in); err != nil {
			return nil, errBadRequest("%s", err.(*apiError).message)
		}
	case in["domainType"] == "application" && str(in["applicationId"]) != "":
		if _, err := s.application(in); err != nil {
			return nil, errBadRequest("%s", err.(*apiError).message)
		}
	}
	d := domainTable.newRow()
	set(domainTable, d, in)
	d["domainId"] = s.newID()
	d["uniqueConfigKey"] = s.nextSerial("domain.uniqueConfigKey")
	d["createdAt"] = s.timestamp()
	if s.danglingRef(in) != "" {
		return nil, errBadRequest("%s", failedInsert(domainTable, d, func(c string) bool {
			_, given := in[c]
			return given || c == "domainId" || c == "createdAt"
		}))
	}
	s.insert(domainTable, d)
	return domainTable.object(d), nil
}

// domainUpdate keeps omitted keys and answers the updated row.
func domainUpdate(s *Server, in map[string]any) (any, error) {
	d, err := s.domain(in)
	if err != nil {
		return nil, err
	}
	set(domainTable, d, in)
	s.touch(domainTable, d)
	return domainTable.object(d), nil
}

// domainDelete answers the deleted row.
func domainDelete(s *Server, in map[string]any) (any, error) {
	d, err := s.domain(in)
	if err != nil {
		return nil, err
	}
	s.deleteWhere(domainTable, "domainId", d["domainId"])
	return domainTable.object(d), nil
}
