// The seed stack every devstack release must load (the skillforge example).
export const SEED_STACK = `version: '3.8'
services:
  postgres:
    image: pgvector/pgvector:pg16
    environment: { POSTGRES_USER: skillforge, POSTGRES_PASSWORD: dev_password, POSTGRES_DB: skillforge_dev }
    ports: ["5437:5432"]
    volumes: [pgdata:/var/lib/postgresql/data]
    healthcheck: { test: ["CMD-SHELL", "pg_isready -U skillforge"], interval: 5s, timeout: 3s, retries: 5 }
  redis:
    image: redis:7-alpine
    ports: ["6379:6379"]
    command: redis-server --appendonly yes --maxmemory 512mb --maxmemory-policy allkeys-lru
    volumes: [redisdata:/data]
  backend:
    build: { context: ./backend, dockerfile: Dockerfile.dev }
    ports: ["8500:8500"]
    environment:
      DATABASE_URL: postgresql://skillforge:dev_password@postgres:5432/skillforge_dev
      REDIS_URL: redis://redis:6379
    depends_on:
      postgres: { condition: service_healthy }
      redis: { condition: service_started }
    volumes: [./backend:/app]
  frontend:
    build: { context: ./frontend, dockerfile: Dockerfile.dev }
    ports: ["5173:5173"]
    environment: { VITE_API_URL: "http://localhost:8500" }
    volumes: [./frontend:/app, /app/node_modules]
volumes: { pgdata: {}, redisdata: {} }
`;
