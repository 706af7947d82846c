#pragma once

#include <span>

namespace mistudio {

// One schema step. Statements use ${UUID}, ${JSON}, ${TIME} and ${NOW}, which SqlDatabase
// expands per dialect (TEXT on SQLite; UUID, JSONB, TIMESTAMPTZ on PostgreSQL). Steps are
// append-only: a released step is never edited, a change is a new step.
struct Migration
{
    int version;
    const char *description;
    std::span<const char *const> statements;
};

std::span<const Migration> migrations();

} // namespace mistudio
