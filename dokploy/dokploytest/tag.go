package dokploytest

import (
	"fmt"
	"slices"
	"sort"
)

// tag.create, all, one, update, remove, assignToProject,
// removeFromProject (routers/tag.ts, since Dokploy v0.29.0; captures
// 557-569). A project's tags are rows of project_tag, UNIQUE(projectId,
// tagId): assigning a tag twice fails in the INSERT and the router answers
// 400 with the raw SQL error (capture 564). project.all and project.one
// list them as projectTags, each with its tag. Tag names are unique per
// organization (UNIQUE(organizationId, name), "unique_org_tag_name"); a
// duplicate's INSERT fails and the router answers 400 with the raw SQL
// error, its CONFLICT branch never matching (capture 558). color is free
// text. The fake has one organization, so every tag is the key's.

// tagsSince is the first Dokploy version with the tag router: an older
// Options.Version has none of its procedures (404 like any unknown one).
const tagsSince = "v0.29.0"

var tagTable = &tableDef{name: "tag", id: "tagId", cols: []column{
	{"tagId", nil},
	{"name", nil},
	{"color", nil},
	{"createdAt", nil},
	{"organizationId", nil},
}}

var projectTagTable = &tableDef{name: "project_tag", id: "id", cols: []column{
	{"id", nil},
	{"projectId", nil},
	{"tagId", nil},
}}

func tagProcedures() []*procedure {
	tagID := schema{text("tagId").min1().req()}
	projectTag := schema{text("projectId").min1().req(), text("tagId").min1().req()}
	return []*procedure{
		mutation("tag.create", schema{
			text("name").min1().req(),
			text("color").null(),
		}, tagCreate),
		query("tag.all", nil, tagAll),
		query("tag.one", tagID, tagOne),
		mutation("tag.update", schema{
			text("tagId").min1().req(),
			text("name").min1(),
			text("color").null(),
			text("createdAt"),
			text("organizationId"),
		}, tagUpdate),
		mutation("tag.remove", tagID, tagRemove),
		mutation("tag.assignToProject", projectTag, tagAssign),
		mutation("tag.removeFromProject", projectTag, tagUnassign),
	}
}

func (s *Server) tagNamed(name any) row {
	for _, t := range s.rows(tagTable) {
		if t["name"] == name {
			return t
		}
	}
	return nil
}

// tagCreate is one INSERT: of two creates of one name, exactly one wins.
func tagCreate(s *Server, in map[string]any) (any, error) {
	t := tagTable.newRow()
	t["tagId"] = s.newID()
	t["name"] = in["name"]
	t["color"] = in["color"]
	t["createdAt"] = s.timestamp()
	t["organizationId"] = s.st.OrganizationID
	if s.tagNamed(in["name"]) != nil {
		return nil, errBadRequest("Error creating tag: Failed query: insert into \"tag\" (\"tagId\", \"name\", \"color\", \"createdAt\", \"organizationId\") values ($1, $2, $3, $4, $5) returning \"tagId\", \"name\", \"color\", \"createdAt\", \"organizationId\"\nparams: %s,%s,%s,%s,%s",
			t["tagId"], str(t["name"]), str(t["color"]), t["createdAt"], t["organizationId"])
	}
	s.insert(tagTable, t)
	return tagTable.object(t), nil
}

// tagAll lists the organization's tags by name (orderBy asc(tags.name)).
func tagAll(s *Server, _ map[string]any) (any, error) {
	rows := append([]row(nil), s.rows(tagTable)...)
	sort.SliceStable(rows, func(i, j int) bool { return str(rows[i]["name"]) < str(rows[j]["name"]) })
	return objects(tagTable, rows), nil
}

func tagOne(s *Server, in map[string]any) (any, error) {
	t := s.find(tagTable, str(in["tagId"]))
	if t == nil {
		return nil, errNotFound("Tag not found")
	}
	return tagTable.object(t), nil
}

// tagUpdate sets the given name and color only and answers the row.
func tagUpdate(s *Server, in map[string]any) (any, error) {
	t := s.find(tagTable, str(in["tagId"]))
	if t == nil {
		return nil, errNotFound("Tag not found or you don't have permission to update it")
	}
	_, hasName := in["name"]
	_, hasColor := in["color"]
	if !hasName && !hasColor {
		return nil, errBadRequest("Error updating tag: No values to set")
	}
	if o := s.tagNamed(in["name"]); hasName && o != nil && o["tagId"] != t["tagId"] {
		return nil, errBadRequest("Error updating tag: Failed query: update \"tag\" set \"name\" = $1 where \"tag\".\"tagId\" = $2 returning \"tagId\", \"name\", \"color\", \"createdAt\", \"organizationId\"\nparams: %s,%s", str(in["name"]), t["tagId"])
	}
	if hasName {
		t["name"] = in["name"]
	}
	if hasColor {
		t["color"] = in["color"]
	}
	return tagTable.object(t), nil
}

func tagRemove(s *Server, in map[string]any) (any, error) {
	t := s.find(tagTable, str(in["tagId"]))
	if t == nil {
		return nil, errNotFound("Tag not found or you don't have permission to delete it")
	}
	s.deleteWhere(tagTable, "tagId", t["tagId"])
	s.deleteWhere(projectTagTable, "tagId", t["tagId"])
	return object{{"success", true}}, nil
}

// projectAndTag checks the project and the tag of an assignment.
func (s *Server) projectAndTag(in map[string]any) error {
	if s.find(projectTable, str(in["projectId"])) == nil {
		return errNotFound("Project not found or you don't have permission to modify it")
	}
	if s.find(tagTable, str(in["tagId"])) == nil {
		return errNotFound("Tag not found or you don't have permission to use it")
	}
	return nil
}

// tagAssign answers the new project_tag row.
func tagAssign(s *Server, in map[string]any) (any, error) {
	if err := s.projectAndTag(in); err != nil {
		return nil, err
	}
	pt := row{"id": s.newID(), "projectId": in["projectId"], "tagId": in["tagId"]}
	for _, o := range s.where(projectTagTable, "projectId", in["projectId"]) {
		if o["tagId"] == in["tagId"] {
			return nil, errBadRequest("Error assigning tag to project: %s", failedInsert(projectTagTable, pt, func(string) bool { return true }))
		}
	}
	s.insert(projectTagTable, pt)
	return projectTagTable.object(pt), nil
}

func tagUnassign(s *Server, in map[string]any) (any, error) {
	if err := s.projectAndTag(in); err != nil {
		return nil, err
	}
	for _, o := range s.where(projectTagTable, "projectId", in["projectId"]) {
		if o["tagId"] == in["tagId"] {
			s.deleteWhere(projectTagTable, "id", o["id"])
		}
	}
	return object{{"success", true}}, nil
}

// projectTags are a project's tag assignments with their tags.
func (s *Server) projectTags(projectID any) []any {
	out := []any{}
	for _, pt := range s.where(projectTagTable, "projectId", projectID) {
		out = append(out, append(projectTagTable.object(pt), kv{"tag", tagTable.object(s.find(tagTable, str(pt["tagId"])))}))
	}
	return out
}

// versionBefore reports whether Dokploy version v ("v0.28.4") is older than
// min; a version it cannot read (a custom build) is not.
func versionBefore(v, min string) bool {
	var a, b [3]int
	if n, _ := fmt.Sscanf(v, "v%d.%d.%d", &a[0], &a[1], &a[2]); n != 3 {
		return false
	}
	fmt.Sscanf(min, "v%d.%d.%d", &b[0], &b[1], &b[2]) //nolint:errcheck // a constant
	return slices.Compare(a[:], b[:]) < 0
}
