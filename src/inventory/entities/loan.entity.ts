import { defineEntity, p } from '@mikro-orm/core';
import { Member } from '../../members/entities/member.entity.js';
import { Thing } from './thing.entity.js';

// A member has a thing until dueOn; returnedAt ends the loan. At most one open loan per thing:
// a partial unique index makes two lends at the same moment fail instead of both succeeding.
const LoanSchema = defineEntity({
  name: 'Loan',
  tableName: 'loan',
  indexes: [
    {
      name: 'loan_open_unique',
      expression: 'create unique index "loan_open_unique" on "loan" ("thing_id") where "returned_at" is null',
    },
    {
      name: 'loan_due_idx',
      expression: 'create index "loan_due_idx" on "loan" ("due_on") where "returned_at" is null',
    },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    thing: () => p.manyToOne(Thing).deleteRule('cascade').index('loan_thing_idx'),
    borrower: () => p.manyToOne(Member).deleteRule('restrict').index('loan_borrower_idx'),
    startedAt: p.datetime().onCreate(() => new Date()),
    dueOn: p.date(),
    lentById: p.integer().nullable(),
    lentByLabel: p.string().length(128),
    returnedAt: p.datetime().nullable(),
    returnedByLabel: p.string().length(128).nullable(),
    // When the borrower was reminded that the loan is overdue (once per due date).
    remindedFor: p.date().nullable(),
    note: p.text().nullable(),
  },
});

export class Loan extends LoanSchema.class {}
LoanSchema.setClass(Loan);
