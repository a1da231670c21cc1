import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Page } from '../../domain/pagination';
import { PageInfo } from './page-info.type';

export interface Connection<T> {
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Builds a `{ nodes, pageInfo, totalCount }` connection type for a node type. */
export function ConnectionType<T extends object>(node: ClassType<T>) {
  @ObjectType({ simpleResolvers: true })
  abstract class ConnectionClass implements Connection<T> {
    @Field(() => [node])
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Number of items across all pages.' })
    totalCount!: number;
  }
  return ConnectionClass;
}

/** Maps a domain page to a connection. */
export function toConnection<S, T>(page: Page<S>, map: (item: S) => T): Connection<T> {
  return {
    nodes: page.nodes.map(map),
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    totalCount: page.totalCount,
  };
}
