import type { QueryInterface } from 'sequelize';

/**
 * Registry of trained failure models. The files of a model (model.json,
 * weights, meta.json) live in `path`, a directory under VNFM_DATA_DIR/models/; the row keeps
 * its metadata for listing and the activation state.
 * - At most one model is active (partial unique index): the one online scoring uses.
 * - previous_active: the model that was active when this one was activated, so a rollback
 *   can go back step by step.
 * - prediction_model_files: the files themselves (a few MB), so a process whose data
 *   directory lacks a model (another machine, a new volume) writes it there from the database.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE prediction_models (
      id              text PRIMARY KEY,
      kind            text NOT NULL,
      created_at      timestamptz NOT NULL,
      registered_at   timestamptz NOT NULL DEFAULT now(),
      meta            jsonb NOT NULL,
      path            text NOT NULL,
      data_hash       text NOT NULL,
      active          boolean NOT NULL DEFAULT false,
      activated_at    timestamptz,
      previous_active text REFERENCES prediction_models (id) ON DELETE SET NULL
    );
    CREATE UNIQUE INDEX prediction_models_one_active ON prediction_models ((true)) WHERE active;

    CREATE TABLE prediction_model_files (
      model_id text NOT NULL REFERENCES prediction_models (id) ON DELETE CASCADE,
      name     text NOT NULL,
      content  bytea NOT NULL,
      PRIMARY KEY (model_id, name)
    );
  `);
}

export async function down(qi: QueryInterface): Promise<void> {
  await qi.sequelize.query('DROP TABLE prediction_model_files; DROP TABLE prediction_models;');
}
