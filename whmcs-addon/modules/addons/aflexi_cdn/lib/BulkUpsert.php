<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use InvalidArgumentException;
use WHMCS\Database\Capsule;

/**
 * Insert-or-update of many rows in one statement. The query builder's upsert() arrived in
 * Laravel 8.10; WHMCS 8.x bundles illuminate/database 7.12, which lacks it
 * (docs/WHMCS-FIDELITY.md), so the statement is built here from what 7.12 offers: the
 * grammar's insert of many rows, followed by the driver's own conflict clause.
 */
final class BulkUpsert
{
    /**
     * @param list<array<string, scalar|null>> $rows the same columns in every row
     * @param list<string> $uniqueBy the columns of the unique key a row may collide on
     * @param list<string> $update the columns a colliding row takes from the new one
     * @param string|null $connection a connection name; WHMCS's own by default
     */
    public static function write(string $table, array $rows, array $uniqueBy, array $update, ?string $connection = null): void
    {
        if ($rows === []) {
            return;
        }
        $columns = array_keys($rows[0]);
        sort($columns);
        $sorted = [];
        foreach ($rows as $row) {
            ksort($row);
            if (array_keys($row) !== $columns) {
                throw new InvalidArgumentException("BulkUpsert into $table: every row must have the same columns");
            }
            $sorted[] = $row;
        }
        $query = Capsule::connection($connection)->table($table);
        $grammar = $query->getGrammar();
        $insert = $grammar->compileInsert($query, $sorted);
        $set = static fn (string $format): string => implode(', ', array_map(
            static fn (string $column): string => sprintf($format, $grammar->wrap($column)),
            $update
        ));
        $driver = $query->getConnection()->getDriverName();
        // MySQL and MariaDB update on a collision with any unique key (only service_id in ours).
        $sql = match ($driver) {
            'mysql' => "$insert on duplicate key update " . $set('%1$s = values(%1$s)'),
            'sqlite', 'pgsql' => "$insert on conflict (" . $grammar->columnize($uniqueBy) . ') do update set '
                . $set('%1$s = excluded.%1$s'),
            default => throw new InvalidArgumentException("BulkUpsert: the $driver driver is not supported"),
        };
        $bindings = [];
        foreach ($sorted as $row) {
            foreach ($row as $value) {
                $bindings[] = $value;
            }
        }
        $query->getConnection()->affectingStatement($sql, $bindings);
    }
}
