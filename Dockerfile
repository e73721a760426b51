# A small image for CI jobs that run in containers:
#   docker build -t dokploy-sync .
#   docker run --rm -v "$PWD:/work" -w /work dokploy-sync validate dokploy.yaml
# The release workflow builds it for linux/amd64 and linux/arm64 and pushes
# it as ghcr.io/dokploy-sync/dokploy-sync:<tag>.
# The build stage runs on the builder's own platform and cross-compiles
# (no emulation for linux/arm64).
FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG TARGETOS TARGETARCH
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${DATE}" \
      -o /dokploy-sync .

# alpine rather than scratch: CI runners (GitLab, Woodpecker, ...) run job
# scripts with a shell inside the image.
FROM alpine:3.22
RUN apk add --no-cache ca-certificates && adduser -D -u 10001 dokploy-sync
COPY --from=build /dokploy-sync /usr/local/bin/dokploy-sync
USER dokploy-sync
ENTRYPOINT ["dokploy-sync"]
