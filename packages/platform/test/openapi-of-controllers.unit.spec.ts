import { expect, it } from '@jest/globals';
import { Body, Controller, Get, Inject, Injectable, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ApiErrors } from '../src/http/api-errors.js';
import { openApiOfControllers, undocumentedOperations } from '../src/testing/index.js';

@Injectable()
class Things {
  list(): string[] {
    return [];
  }
}

@Controller('things')
class ThingsController {
  constructor(
    private readonly things: Things,
    @Inject('CLOCK') private readonly clock: unknown,
  ) {}

  @ApiOperation({ summary: 'Every thing' })
  @ApiResponse({ status: 200, description: 'the things' })
  @ApiErrors(401)
  @Get()
  list() {
    return this.things.list();
  }

  @Post()
  add(@Body() body: unknown) {
    return body;
  }
}

it('builds a controller’s OpenAPI document without servers, its dependencies mocked, as a service serves it', async () => {
  const doc = await openApiOfControllers([ThingsController]);
  expect(undocumentedOperations(doc, [])).toEqual([
    'POST /things: no summary',
    'POST /things: no success answer described',
    'POST /things: no 401',
  ]);
  // The platform's additions come too: the Idempotency-Key header and its 409/422 on a command.
  const add = doc.paths['/things']!.post!;
  expect(add.parameters?.map((p) => p.name)).toContain('Idempotency-Key');
  expect(Object.keys(add.responses!)).toEqual(expect.arrayContaining(['409', '422']));
});
